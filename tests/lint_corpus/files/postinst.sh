#!/bin/sh
set -e
echo "corpus configured"
