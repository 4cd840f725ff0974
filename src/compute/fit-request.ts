/**
 * What `kl fit` is asked: built by the command line (cli/fit.ts), run by compute/fit.ts.
 * Light on purpose: the CLI bundle loads it for every `kl fit` before anything is read.
 */
import type { InputFormat } from '../io/detect.js';
import type { LogBase } from '../measures/base.js';
import type { FamilySpec } from '../measures/family-names.js';
import type { Direction } from '../measures/fit.js';
import type { BandwidthRule } from '../measures/kde.js';

/** What the second column of a grid file holds. */
export const GRID_VALUES = ['probability', 'density', 'count'] as const;
export type GridValues = (typeof GRID_VALUES)[number];

export interface FitRequest {
  path: string;
  displayName: string;
  format: InputFormat | undefined;
  /** Raw samples (one column) instead of a grid (two columns: x and its value). */
  samples: boolean;
  /** The samples' column, when the file has several. */
  column: string | null;
  /** --values: what a grid's second column holds; null: decided by its header name. */
  values: GridValues | null;
  /** Allowed |Σp − 1| for probabilities. */
  tolerance: number;
  bandwidth: BandwidthRule;
  /** Grid points of a kernel density estimate. */
  gridPoints: number;
  family: FamilySpec;
  directions: Direction[];
  base: LogBase;
  commandLine: string;
}
