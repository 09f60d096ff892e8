//! Period controls from observations: violations, evidence gaps, verdicts.
