"""Names of the report outputs (tables and figures), importable without pandas or matplotlib so that
the workflow's Snakefile parses fast (a no-op rerun pays only this)."""

EFFICACY_FIGURES = ("f14_2_1_response_over_time", "f14_2_2_sledai_trajectories", "f14_2_3_sledai_waterfall",
                    "f14_2_4_renal_over_time")
KINETICS_FIGURES = ("f14_4_1_profiles", "f14_4_2_geomean", "f14_4_3_cmax_by_crs", "f14_4_4_cytokines")
SAFETY_FIGURES = ("f14_3_1_crs_icans_timeline", "f14_3_2_counts_first_90_days")
TTE_FIGURES = ("f14_2_5_km_curves", "f14_2_6_swimmer")
BASELINE_TABLES = ("t14_1_1_disposition", "t14_1_2_demographics")
EFFICACY_TABLES = ("t14_2_1_primary", "t14_2_2_response_rates", "t14_2_3_response_rates_oc",
                   "t14_2_4_response_differences", "t14_2_5_change_from_baseline")
KINETICS_TABLES = ("t14_4_1_kinetic_parameters", "t14_4_2_persistence", "t14_4_3_cytokines", "t14_4_4_bcells")
SAFETY_TABLES = ("t14_3_1_overview", "t14_3_2_teae_soc_pt", "t14_3_3_teae_pt_grade", "t14_3_4_syndromes",
                 "t14_3_5_infections", "t14_3_6_lymphodepletion", "t14_3_7_lab_shift", "t14_3_8_icaht",
                 "t14_3_9_monitoring", "l16_2_7_1_ae_listing", "l16_2_7_2_sae_death_listing")
FORMATS = {".csv": "csv", ".xpt": "xpt", ".parquet": "parquet"}
