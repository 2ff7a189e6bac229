#!/usr/bin/env python3
"""Regenerate ``portal/data/states.json`` -- the list of States/entities that may
report on UNTOC and its three Protocols (TIP, SOM, FA).

NOT imported by the portal at run time (Babel is not a runtime dependency).
It only documents where the data come from and lets it be regenerated:

    python3 -m venv /tmp/babelvenv && /tmp/babelvenv/bin/pip install babel
    /tmp/babelvenv/bin/python portal/data/build_states.py

Sources / method
  * Names: Unicode CLDR territory names shipped in Babel (ar, en, es, fr, ru,
    zh_Hans), overridden by the UN short names (NAME_OVERRIDES below) where
    CLDR differs notably (English: always the UN short name).
  * Regional groups: UN regional groups of Member States (DGACM).
  * Treaty status: compilers' knowledge of the UN Treaty Collection, chapter
    XVIII 12 / 12.a / 12.b / 12.c.  The default status for a treaty is given
    in DEFAULT_STATUS; every deviation is listed in TREATY_EXCEPTIONS.  Dates
    are only filled in where known with confidence (DATES); otherwise null.
    VERIFY AGAINST THE UNTC BEFORE OFFICIAL USE.
"""

import json
import os

import babel
from babel import Locale
from babel.core import get_cldr_version

COMPILED_ON = "2026-11-26"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "states.json")
LANGS = {"en": "en", "ar": "ar", "es": "es", "fr": "fr", "ru": "ru", "zh_hans": "zh_Hans"}
TREATIES = ("UNTOC", "TIP", "SOM", "FA")

# iso2, iso3, English UN short name, kind, regional group
AF_, AP_, EE_, LA_, WE_ = (
    "african",
    "asia_pacific",
    "eastern_european",
    "latin_american_caribbean",
    "western_european_others",
)
M, O, R, N = "member_state", "observer_state", "regional_organization", "non_member_state"
ENTITIES = [
    # --- African Group ---
    ("DZ", "DZA", "Algeria", M, AF_),
    ("AO", "AGO", "Angola", M, AF_),
    ("BJ", "BEN", "Benin", M, AF_),
    ("BW", "BWA", "Botswana", M, AF_),
    ("BF", "BFA", "Burkina Faso", M, AF_),
    ("BI", "BDI", "Burundi", M, AF_),
    ("CV", "CPV", "Cabo Verde", M, AF_),
    ("CM", "CMR", "Cameroon", M, AF_),
    ("CF", "CAF", "Central African Republic", M, AF_),
    ("TD", "TCD", "Chad", M, AF_),
    ("KM", "COM", "Comoros", M, AF_),
    ("CG", "COG", "Congo", M, AF_),
    ("CI", "CIV", "Côte d'Ivoire", M, AF_),
    ("CD", "COD", "Democratic Republic of the Congo", M, AF_),
    ("DJ", "DJI", "Djibouti", M, AF_),
    ("EG", "EGY", "Egypt", M, AF_),
    ("GQ", "GNQ", "Equatorial Guinea", M, AF_),
    ("ER", "ERI", "Eritrea", M, AF_),
    ("SZ", "SWZ", "Eswatini", M, AF_),
    ("ET", "ETH", "Ethiopia", M, AF_),
    ("GA", "GAB", "Gabon", M, AF_),
    ("GM", "GMB", "Gambia", M, AF_),
    ("GH", "GHA", "Ghana", M, AF_),
    ("GN", "GIN", "Guinea", M, AF_),
    ("GW", "GNB", "Guinea-Bissau", M, AF_),
    ("KE", "KEN", "Kenya", M, AF_),
    ("LS", "LSO", "Lesotho", M, AF_),
    ("LR", "LBR", "Liberia", M, AF_),
    ("LY", "LBY", "Libya", M, AF_),
    ("MG", "MDG", "Madagascar", M, AF_),
    ("MW", "MWI", "Malawi", M, AF_),
    ("ML", "MLI", "Mali", M, AF_),
    ("MR", "MRT", "Mauritania", M, AF_),
    ("MU", "MUS", "Mauritius", M, AF_),
    ("MA", "MAR", "Morocco", M, AF_),
    ("MZ", "MOZ", "Mozambique", M, AF_),
    ("NA", "NAM", "Namibia", M, AF_),
    ("NE", "NER", "Niger", M, AF_),
    ("NG", "NGA", "Nigeria", M, AF_),
    ("RW", "RWA", "Rwanda", M, AF_),
    ("ST", "STP", "Sao Tome and Principe", M, AF_),
    ("SN", "SEN", "Senegal", M, AF_),
    ("SC", "SYC", "Seychelles", M, AF_),
    ("SL", "SLE", "Sierra Leone", M, AF_),
    ("SO", "SOM", "Somalia", M, AF_),
    ("ZA", "ZAF", "South Africa", M, AF_),
    ("SS", "SSD", "South Sudan", M, AF_),
    ("SD", "SDN", "Sudan", M, AF_),
    ("TG", "TGO", "Togo", M, AF_),
    ("TN", "TUN", "Tunisia", M, AF_),
    ("UG", "UGA", "Uganda", M, AF_),
    ("TZ", "TZA", "United Republic of Tanzania", M, AF_),
    ("ZM", "ZMB", "Zambia", M, AF_),
    ("ZW", "ZWE", "Zimbabwe", M, AF_),
    # --- Asia-Pacific Group ---
    ("AF", "AFG", "Afghanistan", M, AP_),
    ("BH", "BHR", "Bahrain", M, AP_),
    ("BD", "BGD", "Bangladesh", M, AP_),
    ("BT", "BTN", "Bhutan", M, AP_),
    ("BN", "BRN", "Brunei Darussalam", M, AP_),
    ("KH", "KHM", "Cambodia", M, AP_),
    ("CN", "CHN", "China", M, AP_),
    ("CY", "CYP", "Cyprus", M, AP_),
    ("KP", "PRK", "Democratic People's Republic of Korea", M, AP_),
    ("FJ", "FJI", "Fiji", M, AP_),
    ("IN", "IND", "India", M, AP_),
    ("ID", "IDN", "Indonesia", M, AP_),
    ("IR", "IRN", "Iran (Islamic Republic of)", M, AP_),
    ("IQ", "IRQ", "Iraq", M, AP_),
    ("JP", "JPN", "Japan", M, AP_),
    ("JO", "JOR", "Jordan", M, AP_),
    ("KZ", "KAZ", "Kazakhstan", M, AP_),
    ("KI", "KIR", "Kiribati", M, AP_),
    ("KW", "KWT", "Kuwait", M, AP_),
    ("KG", "KGZ", "Kyrgyzstan", M, AP_),
    ("LA", "LAO", "Lao People's Democratic Republic", M, AP_),
    ("LB", "LBN", "Lebanon", M, AP_),
    ("MY", "MYS", "Malaysia", M, AP_),
    ("MV", "MDV", "Maldives", M, AP_),
    ("MH", "MHL", "Marshall Islands", M, AP_),
    ("FM", "FSM", "Micronesia (Federated States of)", M, AP_),
    ("MN", "MNG", "Mongolia", M, AP_),
    ("MM", "MMR", "Myanmar", M, AP_),
    ("NR", "NRU", "Nauru", M, AP_),
    ("NP", "NPL", "Nepal", M, AP_),
    ("OM", "OMN", "Oman", M, AP_),
    ("PK", "PAK", "Pakistan", M, AP_),
    ("PW", "PLW", "Palau", M, AP_),
    ("PG", "PNG", "Papua New Guinea", M, AP_),
    ("PH", "PHL", "Philippines", M, AP_),
    ("QA", "QAT", "Qatar", M, AP_),
    ("KR", "KOR", "Republic of Korea", M, AP_),
    ("WS", "WSM", "Samoa", M, AP_),
    ("SA", "SAU", "Saudi Arabia", M, AP_),
    ("SG", "SGP", "Singapore", M, AP_),
    ("SB", "SLB", "Solomon Islands", M, AP_),
    ("LK", "LKA", "Sri Lanka", M, AP_),
    ("SY", "SYR", "Syrian Arab Republic", M, AP_),
    ("TJ", "TJK", "Tajikistan", M, AP_),
    ("TH", "THA", "Thailand", M, AP_),
    ("TL", "TLS", "Timor-Leste", M, AP_),
    ("TO", "TON", "Tonga", M, AP_),
    ("TM", "TKM", "Turkmenistan", M, AP_),
    ("TV", "TUV", "Tuvalu", M, AP_),
    ("AE", "ARE", "United Arab Emirates", M, AP_),
    ("UZ", "UZB", "Uzbekistan", M, AP_),
    ("VU", "VUT", "Vanuatu", M, AP_),
    ("VN", "VNM", "Viet Nam", M, AP_),
    ("YE", "YEM", "Yemen", M, AP_),
    # --- Eastern European Group ---
    ("AL", "ALB", "Albania", M, EE_),
    ("AM", "ARM", "Armenia", M, EE_),
    ("AZ", "AZE", "Azerbaijan", M, EE_),
    ("BY", "BLR", "Belarus", M, EE_),
    ("BA", "BIH", "Bosnia and Herzegovina", M, EE_),
    ("BG", "BGR", "Bulgaria", M, EE_),
    ("HR", "HRV", "Croatia", M, EE_),
    ("CZ", "CZE", "Czechia", M, EE_),
    ("EE", "EST", "Estonia", M, EE_),
    ("GE", "GEO", "Georgia", M, EE_),
    ("HU", "HUN", "Hungary", M, EE_),
    ("LV", "LVA", "Latvia", M, EE_),
    ("LT", "LTU", "Lithuania", M, EE_),
    ("ME", "MNE", "Montenegro", M, EE_),
    ("MK", "MKD", "North Macedonia", M, EE_),
    ("PL", "POL", "Poland", M, EE_),
    ("MD", "MDA", "Republic of Moldova", M, EE_),
    ("RO", "ROU", "Romania", M, EE_),
    ("RU", "RUS", "Russian Federation", M, EE_),
    ("RS", "SRB", "Serbia", M, EE_),
    ("SK", "SVK", "Slovakia", M, EE_),
    ("SI", "SVN", "Slovenia", M, EE_),
    ("UA", "UKR", "Ukraine", M, EE_),
    # --- Latin American and Caribbean Group ---
    ("AG", "ATG", "Antigua and Barbuda", M, LA_),
    ("AR", "ARG", "Argentina", M, LA_),
    ("BS", "BHS", "Bahamas", M, LA_),
    ("BB", "BRB", "Barbados", M, LA_),
    ("BZ", "BLZ", "Belize", M, LA_),
    ("BO", "BOL", "Bolivia (Plurinational State of)", M, LA_),
    ("BR", "BRA", "Brazil", M, LA_),
    ("CL", "CHL", "Chile", M, LA_),
    ("CO", "COL", "Colombia", M, LA_),
    ("CR", "CRI", "Costa Rica", M, LA_),
    ("CU", "CUB", "Cuba", M, LA_),
    ("DM", "DMA", "Dominica", M, LA_),
    ("DO", "DOM", "Dominican Republic", M, LA_),
    ("EC", "ECU", "Ecuador", M, LA_),
    ("SV", "SLV", "El Salvador", M, LA_),
    ("GD", "GRD", "Grenada", M, LA_),
    ("GT", "GTM", "Guatemala", M, LA_),
    ("GY", "GUY", "Guyana", M, LA_),
    ("HT", "HTI", "Haiti", M, LA_),
    ("HN", "HND", "Honduras", M, LA_),
    ("JM", "JAM", "Jamaica", M, LA_),
    ("MX", "MEX", "Mexico", M, LA_),
    ("NI", "NIC", "Nicaragua", M, LA_),
    ("PA", "PAN", "Panama", M, LA_),
    ("PY", "PRY", "Paraguay", M, LA_),
    ("PE", "PER", "Peru", M, LA_),
    ("KN", "KNA", "Saint Kitts and Nevis", M, LA_),
    ("LC", "LCA", "Saint Lucia", M, LA_),
    ("VC", "VCT", "Saint Vincent and the Grenadines", M, LA_),
    ("SR", "SUR", "Suriname", M, LA_),
    ("TT", "TTO", "Trinidad and Tobago", M, LA_),
    ("UY", "URY", "Uruguay", M, LA_),
    ("VE", "VEN", "Venezuela (Bolivarian Republic of)", M, LA_),
    # --- Western European and Others Group (incl. Israel, Türkiye, USA) ---
    ("AD", "AND", "Andorra", M, WE_),
    ("AU", "AUS", "Australia", M, WE_),
    ("AT", "AUT", "Austria", M, WE_),
    ("BE", "BEL", "Belgium", M, WE_),
    ("CA", "CAN", "Canada", M, WE_),
    ("DK", "DNK", "Denmark", M, WE_),
    ("FI", "FIN", "Finland", M, WE_),
    ("FR", "FRA", "France", M, WE_),
    ("DE", "DEU", "Germany", M, WE_),
    ("GR", "GRC", "Greece", M, WE_),
    ("IS", "ISL", "Iceland", M, WE_),
    ("IE", "IRL", "Ireland", M, WE_),
    ("IL", "ISR", "Israel", M, WE_),
    ("IT", "ITA", "Italy", M, WE_),
    ("LI", "LIE", "Liechtenstein", M, WE_),
    ("LU", "LUX", "Luxembourg", M, WE_),
    ("MT", "MLT", "Malta", M, WE_),
    ("MC", "MCO", "Monaco", M, WE_),
    ("NL", "NLD", "Netherlands (Kingdom of the)", M, WE_),
    ("NZ", "NZL", "New Zealand", M, WE_),
    ("NO", "NOR", "Norway", M, WE_),
    ("PT", "PRT", "Portugal", M, WE_),
    ("SM", "SMR", "San Marino", M, WE_),
    ("ES", "ESP", "Spain", M, WE_),
    ("SE", "SWE", "Sweden", M, WE_),
    ("CH", "CHE", "Switzerland", M, WE_),
    ("TR", "TUR", "Türkiye", M, WE_),
    ("GB", "GBR", "United Kingdom of Great Britain and Northern Ireland", M, WE_),
    ("US", "USA", "United States of America", M, WE_),
    # --- Non-members / observers that may be parties ---
    ("VA", "VAT", "Holy See", O, None),
    ("PS", "PSE", "State of Palestine", O, AP_),
    ("EU", "EUU", "European Union", R, None),  # "EUU": conventional, not ISO 3166
    ("CK", "COK", "Cook Islands", N, None),
    ("NU", "NIU", "Niue", N, None),
]

# UN short names (ar, es, fr, ru, zh_hans) used instead of CLDR where CLDR
# differs notably.  English always comes from ENTITIES above.
NAME_OVERRIDES = {
    "BO": {
        "fr": "Bolivie (État plurinational de)",
        "es": "Bolivia (Estado Plurinacional de)",
        "ru": "Боливия (Многонациональное Государство)",
        "zh_hans": "多民族玻利维亚国",
    },
    "BN": {
        "fr": "Brunéi Darussalam",
        "es": "Brunei Darussalam",
        "ru": "Бруней-Даруссалам",
        "zh_hans": "文莱达鲁萨兰国",
    },
    "CV": {"fr": "Cabo Verde", "ar": "كابو فيردي"},
    "CD": {
        "fr": "République démocratique du Congo",
        "ru": "Демократическая Республика Конго",
        "ar": "جمهورية الكونغو الديمقراطية",
        "zh_hans": "刚果民主共和国",
    },
    "CG": {"fr": "Congo", "ru": "Конго", "ar": "الكونغو", "zh_hans": "刚果"},
    "CI": {"fr": "Côte d'Ivoire", "es": "Côte d'Ivoire", "ru": "Кот-д'Ивуар", "ar": "كوت ديفوار"},
    "SZ": {"es": "Eswatini"},
    "IR": {
        "fr": "Iran (République islamique d')",
        "es": "Irán (República Islámica del)",
        "ru": "Иран (Исламская Республика)",
        "zh_hans": "伊朗伊斯兰共和国",
    },
    "KP": {
        "fr": "République populaire démocratique de Corée",
        "es": "República Popular Democrática de Corea",
        "ru": "Корейская Народно-Демократическая Республика",
        "ar": "جمهورية كوريا الشعبية الديمقراطية",
        "zh_hans": "朝鲜民主主义人民共和国",
    },
    "KR": {
        "fr": "République de Corée",
        "es": "República de Corea",
        "ar": "جمهورية كوريا",
        "zh_hans": "大韩民国",
    },
    "LA": {
        "fr": "République démocratique populaire lao",
        "es": "República Democrática Popular Lao",
        "ru": "Лаосская Народно-Демократическая Республика",
        "ar": "جمهورية لاو الديمقراطية الشعبية",
        "zh_hans": "老挝人民民主共和国",
    },
    "FM": {
        "fr": "Micronésie (États fédérés de)",
        "es": "Micronesia (Estados Federados de)",
        "ru": "Микронезия (Федеративные Штаты)",
        "zh_hans": "密克罗尼西亚联邦",
    },
    "MM": {"fr": "Myanmar", "es": "Myanmar", "ru": "Мьянма", "ar": "ميانمار"},
    "NL": {
        "fr": "Pays-Bas (Royaume des)",
        "es": "Países Bajos (Reino de los)",
        "ru": "Нидерланды (Королевство)",
        "zh_hans": "荷兰王国",
    },
    "MD": {
        "fr": "République de Moldova",
        "es": "República de Moldova",
        "ru": "Республика Молдова",
        "ar": "جمهورية مولدوفا",
        "zh_hans": "摩尔多瓦共和国",
    },
    "RU": {
        "fr": "Fédération de Russie",
        "es": "Federación de Rusia",
        "ru": "Российская Федерация",
        "ar": "الاتحاد الروسي",
        "zh_hans": "俄罗斯联邦",
    },
    "SY": {
        "fr": "République arabe syrienne",
        "es": "República Árabe Siria",
        "ru": "Сирийская Арабская Республика",
        "ar": "الجمهورية العربية السورية",
        "zh_hans": "阿拉伯叙利亚共和国",
    },
    "TZ": {
        "fr": "République-Unie de Tanzanie",
        "es": "República Unida de Tanzanía",
        "ru": "Объединенная Республика Танзания",
        "ar": "جمهورية تنزانيا المتحدة",
        "zh_hans": "坦桑尼亚联合共和国",
    },
    "TL": {"fr": "Timor-Leste", "ru": "Тимор-Лешти"},
    "GB": {
        "fr": "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord",
        "es": "Reino Unido de Gran Bretaña e Irlanda del Norte",
        "ru": "Соединенное Королевство Великобритании и Северной Ирландии",
        "ar": "المملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية",
        "zh_hans": "大不列颠及北爱尔兰联合王国",
    },
    "US": {
        "fr": "États-Unis d'Amérique",
        "es": "Estados Unidos de América",
        "ru": "Соединенные Штаты Америки",
        "ar": "الولايات المتحدة الأمريكية",
        "zh_hans": "美利坚合众国",
    },
    "VE": {
        "fr": "Venezuela (République bolivarienne du)",
        "es": "Venezuela (República Bolivariana de)",
        "ru": "Венесуэла (Боливарианская Республика)",
        "zh_hans": "委内瑞拉玻利瓦尔共和国",
    },
    "VN": {"fr": "Viet Nam", "es": "Viet Nam", "ar": "فييت نام"},
    "VA": {
        "fr": "Saint-Siège",
        "es": "Santa Sede",
        "ru": "Святой Престол",
        "ar": "الكرسي الرسولي",
        "zh_hans": "教廷",
    },
    "PS": {
        "fr": "État de Palestine",
        "es": "Estado de Palestina",
        "ru": "Государство Палестина",
        "ar": "دولة فلسطين",
        "zh_hans": "巴勒斯坦国",
    },
    "CK": {"ru": "Острова Кука"},
}

# ---------------------------------------------------------------- treaties
# Default = status of every entity not listed in TREATY_EXCEPTIONS.
DEFAULT_STATUS = {"UNTOC": "party", "TIP": "party", "SOM": "party", "FA": "party"}
TREATY_EXCEPTIONS = {
    # UNTOC: 192 parties per UNTC status page of May 2024 (187 Member States +
    # EU, State of Palestine, Holy See, Cook Islands, Niue); South Sudan
    # acceded 20 Oct 2023, Bhutan ratified 21 Mar 2023.
    "UNTOC": {
        "CG": "signatory",
        "IR": "signatory",
        "PG": "none",
        "SB": "none",
        "SO": "none",
        "TV": "none",
    },
    "TIP": {
        "CG": "signatory",
        "IR": "none",
        "PG": "none",
        "SB": "none",
        "SO": "none",
        "TV": "none",
        "SS": "none",
        "PK": "none",
        "YE": "none",
        "UG": "signatory",
        "KP": "none",
        "VA": "none",
        "NU": "none",
    },
    "SOM": {
        "CG": "signatory",
        "IR": "none",
        "PG": "none",
        "SB": "none",
        "SO": "none",
        "TV": "none",
        "SS": "none",
        "PK": "none",
        "YE": "none",
        "UG": "signatory",
        "KP": "none",
        "VA": "none",
        "NU": "none",
        "BD": "none",
        "BT": "none",
        "BN": "none",
        "CN": "none",
        "JO": "none",
        "LA": "none",
        "MY": "signatory",
        "MV": "none",
        "MH": "none",
        "MN": "none",
        "NP": "none",
        "QA": "none",
        "SG": "none",
        "LK": "signatory",
        "TH": "signatory",
        "AE": "none",
        "UZ": "none",
        "VN": "none",
        "TO": "none",
        "GA": "none",
        "MA": "none",
        "ZW": "none",
        "IE": "signatory",
        "IL": "signatory",
        "IS": "signatory",
    },
    "FA": {
        "CG": "signatory",
        "IR": "none",
        "PG": "none",
        "SB": "none",
        "SO": "none",
        "TV": "none",
        "SS": "none",
        "PK": "none",
        "YE": "none",
        "KP": "none",
        "VA": "none",
        "NU": "none",
        "CK": "none",
        "PS": "none",
        # Asia-Pacific
        "BH": "none",
        "BD": "none",
        "BT": "none",
        "BN": "none",
        "CN": "signatory",
        "FJ": "none",
        "IN": "none",
        "ID": "none",
        "IQ": "none",
        "JP": "none",
        "JO": "none",
        "KW": "none",
        "LA": "none",
        "LB": "none",
        "MY": "none",
        "MV": "none",
        "MH": "none",
        "FM": "none",
        "MN": "none",
        "MM": "none",
        "NP": "none",
        "PW": "none",
        "PH": "signatory",
        "QA": "none",
        "KR": "signatory",
        "WS": "none",
        "SA": "none",
        "SG": "none",
        "LK": "signatory",
        "TH": "none",
        "TL": "none",
        "TO": "none",
        "AE": "none",
        "UZ": "none",
        "VU": "none",
        "VN": "none",
        # Africa
        "TD": "none",
        "DJ": "none",
        "EG": "none",
        "ET": "none",
        "GM": "none",
        "SC": "none",
        # Eastern Europe
        "RU": "none",
        # Latin America / Caribbean
        "LC": "none",
        # WEOG
        "AU": "none",
        "CA": "signatory",
        "IS": "signatory",
        "IE": "signatory",
        "IL": "none",
        "MT": "none",
        "MC": "none",
        "NZ": "signatory",
        "AD": "none",
        "GB": "signatory",
        "US": "none",
    },
}

# (signed, party_since) known with reasonable confidence; everything else null.
# Sources: UNTC XVIII-12 status page (excerpt, May 2024), PacLII status
# report (2006), depositary-related press releases.
DATES = {
    "UNTOC": {
        "AF": ("2000-12-14", "2003-09-24"),
        "AL": ("2000-12-12", "2002-08-21"),
        "DZ": ("2000-12-12", "2002-10-07"),
        "AD": ("2001-11-11", "2011-09-22"),
        "AO": ("2000-12-13", "2013-04-01"),
        "AG": ("2001-09-26", "2002-07-24"),
        "AR": ("2000-12-12", "2002-11-19"),
        "AM": ("2001-11-15", "2003-07-01"),
        "AU": ("2000-12-13", "2004-05-27"),
        "AT": ("2000-12-12", "2004-09-23"),
        "AZ": ("2000-12-12", "2003-10-30"),
        "BS": ("2001-04-09", "2008-09-26"),
        "BH": (None, "2004-06-07"),
        "BD": (None, "2011-07-13"),
        "BB": ("2001-09-26", "2014-11-11"),
        "BY": ("2000-12-14", "2003-06-25"),
        "BE": ("2000-12-12", "2004-08-11"),
        "BZ": (None, "2003-09-26"),
        "BJ": ("2000-12-13", None),
        "BO": ("2000-12-12", None),
        "BA": ("2000-12-12", "2002-04-24"),
        "BW": ("2002-04-10", "2002-08-29"),
        "BR": ("2000-12-12", "2004-01-29"),
        "BG": ("2000-12-13", "2001-12-05"),
        "BF": ("2000-12-15", "2002-05-15"),
        "BI": ("2000-12-14", None),
        "KH": ("2001-11-11", None),
        "CM": ("2000-12-13", None),
        "CA": ("2000-12-14", "2002-05-13"),
        "CV": ("2000-12-13", None),
        "CL": ("2000-12-13", None),
        "CN": ("2000-12-12", "2003-09-23"),
        "CO": ("2000-12-12", None),
        "KM": (None, "2003-09-25"),
        "CG": ("2000-12-14", None),
        "CK": (None, "2004-03-04"),
        "CR": ("2001-03-16", "2003-07-24"),
        "HR": ("2000-12-12", "2003-01-24"),
        "CU": ("2000-12-13", None),
        "CY": ("2000-12-12", "2003-04-22"),
        "CZ": ("2000-12-12", None),
        "CI": ("2000-12-15", None),
        "DK": ("2000-12-12", "2003-09-30"),
        "NR": ("2001-11-12", None),
        "MV": (None, "2013-01-23"),
        "UY": (None, "2005-03-04"),
        "CH": (None, "2006-10-27"),
        "BT": (None, "2023-03-21"),
        "SS": (None, "2023-10-20"),
        "EU": ("2000-12-12", "2004-05-21"),
        "IR": ("2000-12-12", None),
    },
    "TIP": {"BT": (None, "2023-03-21")},
    "SOM": {},
    "FA": {},
}


def cldr_names():
    locs = {k: Locale.parse(v).territories for k, v in LANGS.items()}
    return locs


def main():
    terr = cldr_names()
    states, overridden = [], {k: [] for k in LANGS}
    for iso2, iso3, en, kind, group in ENTITIES:
        names = {}
        for lang in LANGS:
            cldr = terr[lang].get(iso2)
            if lang == "en":
                val = en
            else:
                val = NAME_OVERRIDES.get(iso2, {}).get(lang, cldr)
            val = val.replace("\u2019", "'")  # plain apostrophe, as in UN names
            if cldr is None or val != cldr.replace("\u2019", "'"):
                overridden[lang].append(iso2)
            names[lang] = val
        treaties = {}
        for t in TREATIES:
            status = TREATY_EXCEPTIONS[t].get(iso2, DEFAULT_STATUS[t])
            signed, since = DATES[t].get(iso2, (None, None))
            if status != "party":
                since = None
            if status == "none":
                signed = None
            treaties[t] = {"status": status, "signed": signed, "party_since": since}
        states.append(
            {
                "iso2": iso2,
                "iso3": iso3,
                "kind": kind,
                "names": names,
                "regional_group": group,
                "treaties": treaties,
            }
        )
    states.sort(key=lambda s: s["names"]["en"].casefold().replace("ü", "u").replace("ô", "o"))

    ov = "; ".join(f"{lang}: {len(codes)} ({', '.join(sorted(codes))})" for lang, codes in overridden.items())
    data = {
        "meta": {
            "description": (
                "States and other entities that may report on the implementation of "
                "the United Nations Convention against Transnational Organized Crime "
                "(UNTOC) and its Protocols on trafficking in persons (TIP), smuggling of "
                "migrants (SOM) and firearms (FA): the 193 UN Member States, the two "
                "observer States (Holy See, State of Palestine), the European Union and "
                "the Cook Islands and Niue. Generated by portal/data/build_states.py."
            ),
            "sources": [
                (
                    f"Names: Unicode CLDR {get_cldr_version()} territory names as shipped in Babel "
                    f"{babel.__version__} (ar, en, es, fr, ru, zh_Hans), with the UN short names used "
                    "where CLDR differs notably. English names are the UN short names throughout; "
                    "typographic apostrophes replaced by ASCII ones. Entries differing from CLDR, "
                    f"per language: {ov}."
                ),
                f"Regional groups: United Nations regional groups of Member States (DGACM) as known on {COMPILED_ON}; "
                "Israel, Türkiye and the United States counted in WEOG; State of Palestine counted in "
                "Asia-Pacific; Holy See, EU, Cook Islands and Niue have no group.",
                f"Treaty status: United Nations Treaty Collection, chapter XVIII, 12, 12.a, 12.b, 12.c, as known to "
                f"the compilers on {COMPILED_ON}; dates are given only where known with confidence; "
                "verify against the UNTC before official use",
            ],
            "compiled_on": COMPILED_ON,
        },
        "states": states,
    }
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    print(f"wrote {len(states)} entries to {OUT}")


if __name__ == "__main__":
    main()
