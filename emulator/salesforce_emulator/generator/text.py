"""Word lists for the demo org, with the Unicode a real international org carries.

Accents, apostrophes, CJK and emoji are mixed into the lists on purpose: a pipeline that breaks
on them must break in tests, not in production. Each display name has an ASCII slug for emails.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .random import Random

FIRST_NAMES = [
    ("James", "james"), ("María", "maria"), ("José", "jose"), ("Zoë", "zoe"), ("Søren", "soren"),
    ("Łukasz", "lukasz"), ("François", "francois"), ("Ngozi", "ngozi"), ("Aiko", "aiko"),
    ("翔太", "shota"), ("美咲", "misaki"), ("Priya", "priya"), ("Olivia", "olivia"),
    ("Liam", "liam"), ("Wei", "wei"), ("Fatima", "fatima"), ("Mateo", "mateo"),
    ("Émilie", "emilie"), ("Jürgen", "jurgen"), ("Siobhán", "siobhan"), ("Noah", "noah"),
    ("Emma", "emma"), ("Lucas", "lucas"), ("Sofia", "sofia"), ("Ahmed", "ahmed"),
    ("Hannah", "hannah"), ("Björn", "bjorn"), ("Chloé", "chloe"), ("Daniel", "daniel"),
    ("Ines", "ines"), ("민준", "minjun"), ("Sarah", "sarah"),
]
LAST_NAMES = [
    ("Smith", "smith"), ("Müller", "muller"), ("García", "garcia"), ("O'Brien", "obrien"),
    ("Núñez", "nunez"), ("佐藤", "sato"), ("王", "wang"), ("Nguyễn", "nguyen"),
    ("Johnson", "johnson"), ("Kowalski", "kowalski"), ("Dubois", "dubois"), ("Rossi", "rossi"),
    ("Andersson", "andersson"), ("Kim", "kim"), ("Patel", "patel"), ("van der Berg", "vanderberg"),
    ("Brown", "brown"), ("Schröder", "schroder"), ("Lefèvre", "lefevre"), ("Okafor", "okafor"),
    ("Tanaka", "tanaka"), ("Silva", "silva"), ("Jensen", "jensen"), ("Williams", "williams"),
    ("Øvergård", "overgard"), ("Chen", "chen"), ("Ivanova", "ivanova"), ("Taylor", "taylor"),
]
COMPANY_ROOTS = [
    ("Acme", "acme"), ("Globex", "globex"), ("Initech", "initech"), ("Nordwind", "nordwind"),
    ("Bergström", "bergstrom"), ("Café Olé", "cafeole"), ("Zürcher", "zurcher"),
    ("東京テック", "tokyotech"), ("上海数据", "shanghaidata"), ("Vandelay", "vandelay"),
    ("Hooli", "hooli"), ("Sterling & Cooper", "sterlingcooper"), ("Umbra", "umbra"),
    ("Pied Piper", "piedpiper"), ("Kranz", "kranz"), ("Lumière", "lumiere"), ("Tyrell", "tyrell"),
    ("Wonka", "wonka"), ("Oceanic", "oceanic"), ("Soylent", "soylent"), ("Cyberdyne", "cyberdyne"),
    ("Aurora", "aurora"), ("Massive Dynamic", "massivedynamic"), ("Gringotts", "gringotts"),
    ("Stark", "stark"), ("Wayne", "wayne"), ("Ça Va", "cava"), ("Ålesund", "alesund"),
]
COMPANY_SECTORS = [
    ("Systems", "systems"), ("Logistics", "logistics"), ("Health", "health"),
    ("Analytics", "analytics"), ("Energy", "energy"), ("Foods", "foods"), ("Labs", "labs"),
    ("Bank", "bank"), ("Retail", "retail"), ("Robotics", "robotics"), ("Media", "media"),
    ("Software", "software"),
]
COMPANY_SUFFIXES = ["Inc.", "GmbH", "Ltd", "S.A.", "AG", "Holdings", "K.K.", "LLC", "Group",
                    "& Söhne", "S.p.A.", "Oy"]
TLDS = ["com", "com", "com", "de", "co.uk", "fr", "jp", "io"]

# (city, state, country, postal code, latitude, longitude, street, region)
CITIES = [
    ("San Francisco", "CA", "United States", "94105", 37.7897, -122.3972, "Market Street", "AMER"),
    ("New York", "NY", "United States", "10001", 40.7506, -73.9972, "Broadway", "AMER"),
    ("Austin", "TX", "United States", "78701", 30.2711, -97.7437, "Congress Avenue", "AMER"),
    ("Toronto", "ON", "Canada", "M5V 2T6", 43.6426, -79.3871, "King Street West", "AMER"),
    ("London", None, "United Kingdom", "EC1A 1BB", 51.5202, -0.0977, "Aldersgate Street", "EMEA"),
    ("München", "Bayern", "Germany", "80331", 48.1374, 11.5755, "Marienplatz", "EMEA"),
    ("Zürich", "ZH", "Switzerland", "8001", 47.3769, 8.5417, "Bahnhofstrasse", "EMEA"),
    ("Paris", "Île-de-France", "France", "75002", 48.8686, 2.3414, "Rue de Rivoli", "EMEA"),
    ("Kraków", "Małopolskie", "Poland", "31-000", 50.0614, 19.9366, "ulica Floriańska", "EMEA"),
    ("Stockholm", None, "Sweden", "111 22", 59.3326, 18.0649, "Drottninggatan", "EMEA"),
    ("São Paulo", "SP", "Brazil", "01310-100", -23.5614, -46.6559, "Avenida Paulista", "LATAM"),
    ("Ciudad de México", "CDMX", "Mexico", "06600", 19.4270, -99.1677, "Paseo de la Reforma",
     "LATAM"),
    ("東京", "東京都", "Japan", "100-0005", 35.6812, 139.7671, "丸の内1丁目", "APAC"),
    ("Singapore", None, "Singapore", "018956", 1.2834, 103.8607, "Marina Boulevard", "APAC"),
    ("Bengaluru", "KA", "India", "560001", 12.9716, 77.5946, "MG Road", "APAC"),
    ("Sydney", "NSW", "Australia", "2000", -33.8688, 151.2093, "George Street", "APAC"),
]
SYDNEY = 15  # index in CITIES: its old deals carry the inactive region "ANZ"

PRODUCTS = ["Platform", "Analytics Add-on", "Enterprise License", "Support Renewal",
            "Data Migration", "Premium Support", "Seat Expansion", "Pilot", "Intégration ERP",
            "導入支援"]
NEXT_STEPS = ["Send revised proposal", "Schedule demo with IT", "Follow up with CFO",
              "Legal review of MSA", "Prepare SOW", "Négocier le contrat", "見積書を送付",
              "Waiting on procurement 🕐", "Security questionnaire"]
TASK_SUBJECTS = ["Call", "Email", "Send Letter/Quote", "Other", "Follow-up call re: pricing",
                 "Demo prep", "Envoyer le devis", "電話フォローアップ", "Check in after trial"]
EVENT_SUBJECTS = ["Meeting", "Discovery call", "Product demo", "Executive briefing",
                  "QBR – Quarterly Business Review", "Kick-off", "Präsentation beim Kunden"]
LOCATIONS = ["Zoom", "Microsoft Teams", "Google Meet", "Customer HQ", "Café Central, Wien",
             "会議室A", None]
TITLES = ["CEO", "CFO", "CTO", "VP Engineering", "Head of Procurement", "IT Director",
          "Directrice financière", "Operations Manager", "Data Analyst", "購買部長", None]
DEPARTMENTS = ["Finance", "IT", "Operations", "Procurement", "Executive", "Engineering", None]
DESCRIPTIONS = ["Inbound lead from webinar.", "Expansion into a second business unit.",
                "Competitive: replacing a legacy CRM.", "Budget approved for next quarter.",
                "Le client souhaite une démo en français.", "年度末の予算で検討中。",
                "Champion left the company 😬 – re-qualify."]

EMOJI_SUBJECT = "📞 Quick check-in ✅"
_LONG_PARAGRAPH = ("Meeting notes — Ünïcödé ✓ 日本語 🚀. The customer reviewed the proposal line by "
                   "line, asked for a revised price on the analytics add-on and wants legal to "
                   "review the data-processing addendum before signature.\n")


def long_text(length: int) -> str:
    """A deterministic text of exactly `length` characters, Unicode included."""
    return (_LONG_PARAGRAPH * (length // len(_LONG_PARAGRAPH) + 1))[:length]


def display_and_slug(rand: Random, salt: str, numbers: np.ndarray, words):
    """(display column, ASCII slug column) for words drawn from a (display, slug) list."""
    idx = pa.array(rand.below(salt, numbers, len(words)))
    display = pc.take(pa.array([w[0] for w in words]), idx)
    slug = pc.take(pa.array([w[1] for w in words]), idx)
    return display, slug


def take(values, idx: np.ndarray) -> pa.Array:
    return pc.take(pa.array(values), pa.array(idx))
