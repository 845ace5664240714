#!/bin/sh
echo "corpus configured"
