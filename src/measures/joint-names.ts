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

/** What each joint measure computes, as tables and `kl measures` show it. */
export const JOINT_COMPUTED: Record<keyof JointMeasures, string> = {
  entropy_x: 'H(X)',
  entropy_y: 'H(Y)',
  joint_entropy: 'H(X,Y)',
  conditional_entropy_x_given_y: 'H(X|Y) = H(X,Y) − H(Y)',
  conditional_entropy_y_given_x: 'H(Y|X) = H(X,Y) − H(X)',
  mutual_information: 'I(X;Y) = D(P_XY ‖ P_X ⊗ P_Y)',
  variation_of_information: 'VI = H(X|Y) + H(Y|X)',
  nmi_arithmetic: 'I / ((H(X) + H(Y)) / 2)',
  nmi_geometric: 'I / √(H(X)·H(Y))',
  nmi_min: 'I / min(H(X), H(Y))',
  nmi_max: 'I / max(H(X), H(Y))',
  g_statistic: 'G = 2·N·I (nats)',
  g_pvalue: 'P(χ² with (r−1)(c−1) dof ≥ G)',
  mutual_information_mm: 'I + Miller–Madow correction',
};
