/**
 * The names and shape of `kl mi`'s measures, apart from their computation (joint.ts, which
 * needs the statistics library): the command line and the formats use them at start-up.
 */
export interface JointMeasures {
  entropy_x: number;
  entropy_y: number;
  joint_entropy: number;
  conditional_entropy_x_given_y: number;
  conditional_entropy_y_given_x: number;
  mutual_information: number;
  variation_of_information: number;
  nmi_arithmetic: number;
  nmi_geometric: number;
  nmi_min: number;
  nmi_max: number;
  /** Counts only. */
  g_statistic?: number;
  g_pvalue?: number;
  mutual_information_mm?: number;
}

export const JOINT_MEASURE_NAMES = [
  'entropy_x',
  'entropy_y',
  'joint_entropy',
  'conditional_entropy_x_given_y',
  'conditional_entropy_y_given_x',
  'mutual_information',
  'variation_of_information',
  'nmi_arithmetic',
  'nmi_geometric',
  'nmi_min',
  'nmi_max',
  'g_statistic',
  'g_pvalue',
  'mutual_information_mm',
] as const satisfies readonly (keyof JointMeasures)[];
