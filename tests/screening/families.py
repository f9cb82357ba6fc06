"""A family for the screening tests: a grandmother's grandson, 9, father in prison, mother out
of contact, rural, 400 yuan a person in the demo county. Every fact the engine uses is set."""

PRISON_AND_GONE = {
    "region": "CN-51-demo",
    "child": {"age": 9, "disability": "none", "serious_illness": False, "school": "primary",
              "boarding": False},
    "father": {"status": "imprisoned"},
    "mother": {"status": "lost_contact"},
    "household": {"hukou": "rural", "monthly_income_per_capita": 400, "size": 3,
                  "assets_within_limit": True, "receives_dibao": False, "extreme_poverty": False,
                  "registered_poor": False, "near_poor": False, "sudden_hardship": False},
}  # fmt: skip
