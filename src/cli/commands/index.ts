import { compare } from './compare.js';
import { crossEntropy } from './cross-entropy.js';
import { entropy } from './entropy.js';
import { explain } from './explain.js';
import { forward } from './forward.js';
import { js } from './js.js';
import { reverse } from './reverse.js';
import type { CommandSpec } from './spec.js';

export const COMMANDS: readonly CommandSpec[] = [compare, forward, reverse, entropy, crossEntropy, js, explain];
