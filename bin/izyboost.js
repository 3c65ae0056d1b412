#!/usr/bin/env node
// Entry point for the `izyboost` command: Node 24 runs the TypeScript sources directly.
import "../src/cli/main.ts";
