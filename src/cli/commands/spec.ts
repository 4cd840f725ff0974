import type { View } from '../../compute/request.js';
import type { MeasureName } from '../../measures/catalog.js';

/** What distinguishes one measure command from another; the options are shared. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Longer text for --help: what is computed, exactly. */
  description: string;
  /** Measures computed and shown, in order. */
  measureNames: MeasureName[];
  /** What --format value prints. */
  primary: MeasureName[];
  /** False when P and Q are measured separately (entropy): Q is optional and need not align. */
  pairwise: boolean;
  /** What the command shows: the measures, or every category's contribution (explain). */
  view: View;
  /** Whether it takes --report FILE.html (the commands with charts to show). */
  reportable: boolean;
  examples: string[];
}
