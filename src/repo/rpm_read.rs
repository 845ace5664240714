//! Reading .rpm headers (placeholder until the writer lands).
