"""The classification rules of issues 3 and 14 that both peers apply (the families, the jobs of each
headcount bracket, the cooperative codes), written once so the DuckDB and pandas scripts cannot
drift apart; essor implements them on its own, and the comparison checks all three."""

FAMILIES = ["associations", "cooperatives", "mutuelles", "fondations", "societes_commerciales"]
# Bracket -> estimated jobs (midpoint); other values: 0 and not an employer.
JOBS = {"01": 1.5, "02": 4, "03": 7.5, "11": 14.5, "12": 34.5, "21": 74.5, "22": 149.5,
        "31": 224.5, "32": 374.5, "41": 749.5, "42": 1499.5, "51": 3499.5, "52": 7499.5,
        "53": 10000}
COOPERATIVE_CODES = [(5203, 5203), (5307, 5307), (5309, 5309), (5443, 5443), (5451, 5451),
                     (5453, 5455), (5458, 5460), (5543, 5543), (5547, 5547), (5551, 5555),
                     (5558, 5560), (5643, 5643), (5647, 5647), (5651, 5655), (5658, 5660),
                     (6543, 6543), (6551, 6551), (6554, 6554), (6558, 6558), (6560, 6560),
                     (6595, 6596)]

# Issue 14: the observatoire perimeter (essor's default): the legal categories of the four
# families above, minus these activities of the legal unit (activitePrincipaleUniteLegale, NAF
# rev. 2, dots removed): NAF division 84 and the sous-classes below.
EXCLUDED_NAF_DIVISIONS = ["84"]
EXCLUDED_NAF = ["9411Z", "9412Z", "9420Z", "9491Z", "9492Z"]
# A unit of a company form (niveau II 54 to 57) flagged ESS whose denomination or sigle holds
# one of these words (accents and case aside) is a cooperative, in both perimeters.
COOP_NAME_REGEX = r"(^|[^A-Z0-9])(SCOP|SCIC|COOP|COOPERATIVE|COOPERATIVES|COOPERATIF)([^A-Z0-9]|$)"
