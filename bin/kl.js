#!/usr/bin/env node
import '../dist/kl.js';
