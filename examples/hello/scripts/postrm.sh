#!/bin/sh
set -e
echo "hello removed"
