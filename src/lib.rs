//! vitte-buildkit
