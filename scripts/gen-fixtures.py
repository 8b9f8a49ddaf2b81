#!/usr/bin/env python3
"""gen-fixtures.py - seed fixtures for finsync-sandbox (and CRM CSV exports).

Writes a seed folder for the sandbox (oauth.json, crm/, finance/) with Zoho CRM
accounts, contacts, vendors and products in the CRM API's record shape, and/or
the same records as Zoho CRM CSV export files (csv/), plus the finance app's
existing customers, vendors and items that finsync must detect as duplicates.

    python3 scripts/gen-fixtures.py --accounts N [--seed S] [--out DIR]
        [--format api|csv|both] [--contacts-per-account F] [--orphan-contacts N]
        [--products N] [--vendors N] [--finance-existing N]
        [--finance-vendors N] [--finance-items N] [--collision-rate F] [--same-name-rate F]
    python3 scripts/gen-fixtures.py --check DIR

Deterministic: the same arguments give byte-identical files (only
random.Random(seed).random() is used, and every time is a fixed base,
2026-01-05T09:00:00+05:30, minus an offset).  It streams: records are written
one by one, one per line inside each JSON array, so memory does not grow with
--accounts.  Python 3 standard library only.  See fixtures/README.md.
"""

import argparse
import csv
import datetime as _dt
import json
import math
import os
import random
import re
import sys
import unicodedata
from collections import Counter, deque

# --------------------------------------------------------------------------
# Fixed seed data (oauth, orgs, custom fields, views)

OAUTH = {"clients": [
    {"client_id": "1000.SANDBOXCRM", "client_secret": "sandbox-crm-secret",
     "refresh_token": "1000.sandbox-crm-refresh"},
    {"client_id": "1000.SANDBOXFIN", "client_secret": "sandbox-fin-secret",
     "refresh_token": "1000.sandbox-fin-refresh"},
]}
CRM_ORG = {"id": "4150868000000000001", "company_name": "Northwind Demo", "iso_code": "USD",
           "currency": "US Dollar - USD", "currency_symbol": "$"}
FIN_ORG = {"organization_id": "10234695", "name": "Northwind Books", "currency_code": "USD",
           "currency_id": "460000000000097"}
FIN_CUSTOM_FIELDS = {
    "contacts": [
        {"api_name": "cf_crm_id", "label": "CRM ID", "data_type": "string", "is_unique": True},
        {"api_name": "cf_industry", "label": "Industry", "data_type": "string"},
    ],
    "items": [
        {"api_name": "cf_crm_id", "label": "CRM ID", "data_type": "string", "is_unique": True},
    ],
}
VIEWS = {"Accounts": [{"id": "4150868000000087501", "name": "Retail customers",
                       "criteria": {"field": "Industry", "equals": "Retail"}}]}

# Record ids: "41508680" + 2-digit module code + 9-digit counter = 19 digits.
# The org, users and views use module code "00", so no record id meets them.
ID_PREFIX = {"Accounts": "4150868010", "Contacts": "4150868020",
             "Products": "4150868030", "Vendors": "4150868040"}
# Finance ids: 15 digits; contacts "4600001…", items "4600002…" (the
# currency id 460000000000097 is in neither range).
FIN_CONTACT_PREFIX = "4600001"
FIN_ITEM_PREFIX = "4600002"

# Times: the export is taken at BASE; every record was created in the
# SPAN seconds (3 years) before it, and modified between its creation and BASE.
BASE_LOCAL = (2026, 1, 5, 9, 0, 0)          # +05:30
SPAN = 3 * 365 * 86400

# --------------------------------------------------------------------------
# Word lists.  Items are a string or (native, ascii) for scripts whose ASCII
# slug (web site, e-mail) cannot be derived by dropping accents.

USERS = [  # CRM users (record owners), with weights
    ({"name": "Priya Raman", "id": "4150868000000225013", "email": "priya.raman@northwind.example"}, 5),
    ({"name": "Tom Becker", "id": "4150868000000225021", "email": "tom.becker@northwind.example"}, 4),
    ({"name": "José Álvarez", "id": "4150868000000225037", "email": "jose.alvarez@northwind.example"}, 3),
    ({"name": "Mei Lin", "id": "4150868000000225045", "email": "mei.lin@northwind.example"}, 3),
    ({"name": "Sarah O'Neill", "id": "4150868000000225053", "email": "sarah.oneill@northwind.example"}, 2),
    ({"name": "Jürgen Weiß", "id": "4150868000000225069", "email": "juergen.weiss@northwind.example"}, 1),
    ({"name": "Admin", "id": "4150868000000225001", "email": "admin@northwind.example"}, 1),
]

EN_A = ["Harbor", "Blue", "Summit", "Granite", "Cedar", "Silver", "Maple", "Northern", "Coastal",
        "Pioneer", "Evergreen", "Redwood", "Golden", "Iron", "Prairie", "Lakeside", "Copper",
        "Falcon", "Beacon", "Crescent", "Aspen", "Willow", "Sterling", "Highland", "Riverbend",
        "Orchard", "Atlas", "Keystone", "Bright", "Meridian", "Oakmont", "Pinecrest",
        "Stonebridge", "Clearwater", "Foxglove", "Juniper", "Lighthouse", "Mosaic", "Northstar",
        "Oakridge", "Quarry", "Ravenwood", "Sandstone", "Thistle", "Tidewater", "Unity", "Vista",
        "Westgate", "Zenith", "Arrow", "Bluebird", "Cobalt", "Driftwood", "Emerald", "Fairview",
        "Glacier", "Hollow", "Indigo", "Jasper", "Kestrel", "Lantern", "Marigold", "Nimbus",
        "Obsidian", "Paragon", "Quill", "Rosewood", "Saffron", "Timber", "Upland", "Wildflower",
        "Café", "Crème", "Zürich", "Montréal", "Ångström", "Noël", "Piñon", "Brontë"]
EN_B = ["Fern", "Ridge", "Freight", "Oak", "Pine", "Bridge", "River", "Stone", "Field", "Peak",
        "Valley", "Creek", "Grove", "Point", "Bay", "Hill", "Forge", "Gate", "Mill", "Brook",
        "Crest", "Haven", "Park", "Spring", "Wood", "Rock", "Shore", "Lane", "Path", "Works",
        "Star", "Wave", "Leaf", "Root", "Cloud", "Sky", "Wind", "Fire", "Moon", "Sun", "Trail",
        "Canyon", "Mesa", "Delta", "Harvest", "Anchor", "Compass", "Lotus", "Birch", "Elm",
        "Spruce", "Sparrow", "Heron", "Otter", "Badger", "Bison", "Lynx", "Orca", "Pelican",
        "Tiger", "Wolf", "Bear", "Hawk", "Eagle", "Fox", "Owl", "Salmon", "Cypress", "Sage",
        "Flint"]
EN_C = [("Logistics", "Logistics"), ("Dental", "Healthcare"), ("Medical", "Healthcare"),
        ("Pharmacy", "Healthcare"), ("Veterinary", "Healthcare"), ("Labs", "Healthcare"),
        ("Software", "Technology"), ("Systems", "Technology"), ("Analytics", "Technology"),
        ("Networks", "Technology"), ("Robotics", "Technology"), ("Bakery", "Retail"),
        ("Grocers", "Retail"), ("Outfitters", "Retail"), ("Apparel", "Retail"),
        ("Books", "Retail"), ("Furniture", "Retail"), ("Hardware", "Retail"),
        ("Florists", "Retail"), ("Foods", "Manufacturing"), ("Motors", "Manufacturing"),
        ("Machining", "Manufacturing"), ("Plastics", "Manufacturing"),
        ("Textiles", "Manufacturing"), ("Metalworks", "Manufacturing"),
        ("Brewing", "Manufacturing"), ("Capital", "Finance"), ("Financial", "Finance"),
        ("Insurance", "Finance"), ("Lending", "Finance"), ("Accounting", "Finance"),
        ("Academy", "Education"), ("Learning", "Education"), ("Tutoring", "Education"),
        ("Montessori", "Education"), ("Hotels", "Hospitality"), ("Catering", "Hospitality"),
        ("Travel", "Hospitality"), ("Construction", "Construction"),
        ("Builders", "Construction"), ("Roofing", "Construction"), ("Plumbing", "Construction"),
        ("Realty", "Real Estate"), ("Properties", "Real Estate"), ("Energy", "Energy"),
        ("Solar", "Energy"), ("Farms", "Agriculture"), ("Nurseries", "Agriculture"),
        ("Media", "Media"), ("Studios", "Media"), ("Printing", "Media")]
INDUSTRY_OF = dict(EN_C)
EN_S = ["Ltd", "LLC", "Inc.", "Corp.", "Co.", "Group", "Partners", "Holdings", "Company",
        "Limited", "PLC", "Enterprises"]
EN_SURNAMES = ["Hughes", "Patel", "Nguyen", "Okafor", "Kowalczyk", "Schmidt", "Garcia", "Chen",
               "Walker", "Bennett", "Fischer", "Murphy", "O'Brien", "Rossi", "Sato", "Kim",
               "Hernandez", "Martin", "Clarke", "Foster", "Reyes", "Morgan", "Dubois", "Novak",
               "Andersen", "Larsen", "Silva", "Costa", "Abbott", "Baker", "Carter", "Dalton",
               "Ellis", "Fletcher", "Grant", "Hayes", "Irwin", "Jensen", "Keller", "Lambert",
               "Mason", "Nolan", "Owens", "Palmer", "Quinn", "Ramirez", "Shaw", "Turner",
               "Underwood", "Vaughn", "Wallace", "Young", "Zimmerman", "Ahmed", "Banerjee",
               "Cohen", "Dimitrov", "Eriksen", "Farouk", "Gupta"]
EN_S2 = ["Associates", "Partners", "LLP", "Consulting", "Advisors", "Architects", "Accountants",
         "Solicitors"]
EN_FIRST = ["James", "Mary", "Priya", "Wei", "Carlos", "Aisha", "Liam", "Olivia", "Noah", "Emma",
            "Ethan", "Sofia", "Mateo", "Chloe", "Lucas", "Grace", "Daniel", "Hannah", "Omar",
            "Fatima", "Ryan", "Megan", "Kevin", "Laura", "Brian", "Nina", "Samuel", "Zoe",
            "Arjun", "Mei", "Siobhán", "Renée"]

DE_SUR = ["Müller", "Schäfer", "Weiß", "Groß", "Köhler", "Schröder", "Böhm", "Krüger", "Jäger",
          "Voß", "Fuchs", "Wagner", "Hoffmann", "Becker", "Schulze", "Günther", "Wölfel", "Hölzl",
          "Dürr", "Bär", "Fröhlich", "Strauß", "Kühn", "Lößl"]
DE_TRADE = ["Maschinenbau", "Straßenbau", "Logistik", "Elektrotechnik", "Bäckerei", "Möbelwerk",
            "Feinkost", "Glaserei", "Holzbau", "Brauerei", "Druckerei", "Metallbau", "Gärtnerei",
            "Spedition", "Kältetechnik", "Fahrzeugbau"]
DE_SUFFIX = ["GmbH", "AG", "KG", "GmbH & Co. KG", "e.K."]
DE_FIRST = ["Jürgen", "Jörg", "Björn", "Günter", "Käthe", "Lena", "Felix", "Lukas", "Anna",
            "Sophie", "Maximilian", "Mia", "Jonas", "Leonie", "Uwe", "Doris"]

FR_LEAD = ["Société", "Compagnie", "Atelier", "Maison", "Boulangerie", "Éditions", "Librairie",
           "Brasserie", "Fromagerie", "Laboratoires"]
FR_WORD = ["Lumière", "Côté", "Hélène", "Élysée", "Château", "Garçon", "Bénédicte", "Rivière",
           "Forêt", "Étoile", "Cœur", "Pâquerette", "Bâtiment", "Aurélie"]
FR_SUFFIX = ["SA", "SARL", "SAS", "& Fils", "Frères", "et Cie"]
FR_FIRST = ["François", "Hélène", "Chloé", "Élodie", "Jérôme", "Léa", "Zoë", "Gaëlle", "Benoît",
            "Mathéo", "Inès", "Loïc"]
FR_LAST = ["Dubois", "Lefèvre", "Girard", "Bérubé", "Lemaître", "Rousseau", "Mercier", "Fontaine",
           "Chevalier", "Gagné", "Bélanger", "Lévesque"]

ES_W1 = ["Ñandú", "Cañón", "Peña", "Señorío", "Mañana", "Montaña", "Añil", "Caña", "Doña",
         "Logroño", "Coruña", "Begoña"]
ES_W2 = ["Exportaciones", "Alimentos", "Construcciones", "Distribuciones", "Inversiones",
         "Transportes", "Vinícola", "Textil", "Farmacéutica", "Energía", "Tecnología", "Óptica"]
ES_SUFFIX = ["S.A.", "S.L.", "S.A. de C.V.", "S.L.U.", "y Asociados"]
ES_FIRST = ["José", "María", "Ángel", "Lucía", "Sofía", "Martín", "Iñaki", "Begoña", "Jesús",
            "Inés", "Raúl", "Águeda"]
ES_LAST = ["García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Muñoz",
           "Núñez", "Ibáñez", "Peña", "Cortés"]

PL_CITY = ["Łódź", "Gdańsk", "Kraków", "Poznań", "Wrocław", "Białystok", "Toruń", "Zielona Góra",
           "Częstochowa", "Rzeszów", "Bielsko-Biała", "Gorzów"]
PL_TRADE = ["Handel", "Budownictwo", "Żegluga", "Spedycja", "Meble", "Piekarnia", "Hurtownia",
            "Usługi"]
PL_SUFFIX = ["Sp. z o.o.", "S.A.", "Sp.j.", "Sp.k."]
PL_FIRST = ["Łukasz", "Paweł", "Michał", "Małgorzata", "Agnieszka", "Wojciech", "Zofia",
            "Katarzyna", "Jędrzej", "Bożena"]
PL_LAST = ["Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński",
           "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Mazur"]

JA_FAMILY = [("山田", "yamada"), ("田中", "tanaka"), ("佐藤", "sato"), ("鈴木", "suzuki"),
             ("高橋", "takahashi"), ("伊藤", "ito"), ("渡辺", "watanabe"), ("中村", "nakamura"),
             ("小林", "kobayashi"), ("加藤", "kato"), ("サクラ", "sakura"), ("ミドリ", "midori"),
             ("アサヒ", "asahi"), ("ヒカリ", "hikari"), ("フジ", "fuji"), ("ダイヤ", "daiya")]
JA_TRADE = [("電機", "denki"), ("物産", "bussan"), ("工業", "kogyo"), ("製作所", "seisakusho"),
            ("運輸", "unyu"), ("食品", "shokuhin"), ("建設", "kensetsu"), ("商会", "shokai"),
            ("化学", "kagaku"), ("精機", "seiki"), ("薬品", "yakuhin"), ("印刷", "insatsu")]
JA_FORM = [("株式会社{}{}", "{}-{}"), ("{}{}株式会社", "{}{}"), ("(株){}{}", "{}{}-kk")]
JA_FIRST = [("太郎", "taro"), ("花子", "hanako"), ("健", "ken"), ("陽子", "yoko"),
            ("翔太", "shota"), ("美咲", "misaki"), ("大輔", "daisuke"), ("さくら", "sakura")]

EL_WORD = [("Ολυμπία", "olympia"), ("Ποσειδών", "poseidon"), ("Ερμής", "ermis"),
           ("Αιγαίο", "aigaio"), ("Κρήτη", "kriti"), ("Δήλος", "dilos"), ("Πήγασος", "pigasos"),
           ("Ζέφυρος", "zefyros"), ("Ιωνία", "ionia"), ("Θεσσαλία", "thessalia"),
           ("Μακεδονία", "makedonia"), ("Αθηνά", "athina")]
EL_TRADE = [("Ναυτιλιακή", "naftiliaki"), ("Εμπορική", "emporiki"), ("Τεχνική", "techniki"),
            ("Κατασκευαστική", "kataskevastiki"), ("Φαρμακευτική", "farmakeftiki"),
            ("Ξενοδοχειακή", "xenodocheiaki"), ("Ενεργειακή", "energeiaki")]
EL_SUFFIX = [("Α.Ε.", "ae"), ("Ε.Π.Ε.", "epe"), ("Ο.Ε.", "oe"), ("Ι.Κ.Ε.", "ike")]
EL_FIRST = [("Γιώργος", "giorgos"), ("Μαρία", "maria"), ("Νίκος", "nikos"), ("Ελένη", "eleni"),
            ("Δημήτρης", "dimitris"), ("Κατερίνα", "katerina"), ("Γιάννης", "giannis"),
            ("Σοφία", "sofia")]
EL_LAST = [("Παπαδόπουλος", "papadopoulos"), ("Νικολάου", "nikolaou"), ("Γεωργίου", "georgiou"),
           ("Οικονόμου", "oikonomou"), ("Αντωνίου", "antoniou"), ("Καραγιάννης", "karagiannis")]

# Hand-written account names, placed at accounts 4, 14, 24, … (so fixtures
# of 120+ accounts hold them all): (name, locale, slug).
SHOWCASE = [
    ("Société Générale Ñandú", "fr", "sg-nandu"),
    ("Müller & Söhne GmbH", "de", "mueller-soehne"),
    ("Łódź Trading", "pl", "lodz-trading"),
    ("株式会社山田商事", "ja", "yamada-shoji"),
    ("Αθηνά Ναυτιλιακή Α.Ε.", "el", "athina-naftiliaki"),
    ("Groß & Weiß Straßenbau GmbH", "de", "gross-weiss"),
    ("O'Brien & Daughters Ltd", "en", "obrien-daughters"),
    ("Zoë's Café & Crêperie", "fr", "zoes-cafe"),
    ("Ærø Fiskeri ApS", "dk", "aeroe-fiskeri"),
    ("Đorđević Inženjering d.o.o.", "rs", "djordjevic"),
    ("Çelik Yapı A.Ş.", "tr", "celik-yapi"),
    ("Ñuñoa Viñedos Ltda.", "cl", "nunoa-vinedos"),
]
SHOWCASE_NAMES = {s[0] for s in SHOWCASE}

# Countries: name, phone format, [(city, state, postcode format)], street makers.
COUNTRIES = {
    "US": ("United States", [("San Francisco", "CA", "941##", "415"), ("Austin", "TX", "787##", "512"),
                             ("Chicago", "IL", "606##", "312"), ("Seattle", "WA", "981##", "206"),
                             ("Boston", "MA", "021##", "617"), ("Denver", "CO", "802##", "303"),
                             ("Atlanta", "GA", "303##", "404"), ("New York", "NY", "100##", "212"),
                             ("Portland", "OR", "972##", "503"), ("Miami", "FL", "331##", "305"),
                             ("Columbus", "OH", "432##", "614"), ("Nashville", "TN", "372##", "615")]),
    "GB": ("United Kingdom", [("London", "Greater London", "EC1A #BB", "20"),
                              ("Manchester", "Greater Manchester", "M1 #AE", "161"),
                              ("Edinburgh", "Scotland", "EH1 #YZ", "131")]),
    "CA": ("Canada", [("Toronto", "ON", "M5V #T6", "416"), ("Montréal", "QC", "H3B #A7", "514"),
                      ("Vancouver", "BC", "V6B #K9", "604")]),
    "DE": ("Germany", [("München", "Bayern", "803##", "89"), ("Köln", "Nordrhein-Westfalen", "506##", "221"),
                       ("Hamburg", "Hamburg", "201##", "40"), ("Düsseldorf", "Nordrhein-Westfalen", "402##", "211")]),
    "FR": ("France", [("Paris", "Île-de-France", "750##", "1"), ("Lyon", "Auvergne-Rhône-Alpes", "690##", "4"),
                      ("Orléans", "Centre-Val de Loire", "450##", "2")]),
    "ES": ("Spain", [("Madrid", "Comunidad de Madrid", "280##", "91"), ("Málaga", "Andalucía", "290##", "952"),
                     ("A Coruña", "Galicia", "150##", "981")]),
    "MX": ("Mexico", [("Ciudad de México", "CDMX", "060##", "55"), ("Mérida", "Yucatán", "970##", "999")]),
    "PL": ("Poland", [("Łódź", "Łódzkie", "90-0##", "42"), ("Kraków", "Małopolskie", "31-0##", "12"),
                      ("Gdańsk", "Pomorskie", "80-8##", "58"), ("Wrocław", "Dolnośląskie", "50-0##", "71")]),
    "JP": ("Japan", [("千代田区", "東京都", "100-00##", "3"), ("大阪市北区", "大阪府", "530-00##", "6"),
                     ("名古屋市中区", "愛知県", "460-00##", "52")]),
    "GR": ("Greece", [("Αθήνα", "Αττική", "105 ##", "21"), ("Θεσσαλονίκη", "Κεντρική Μακεδονία", "546 ##", "2310")]),
    "DK": ("Denmark", [("København", "Hovedstaden", "10##", "33"), ("Ærøskøbing", "Syddanmark", "59##", "62")]),
    "RS": ("Serbia", [("Beograd", "Beograd", "110##", "11"), ("Novi Sad", "Vojvodina", "210##", "21")]),
    "TR": ("Turkey", [("Ankara", "Ankara", "065##", "312"), ("Bursa", "Bursa", "160##", "224")]),
    "CL": ("Chile", [("Santiago", "Región Metropolitana", "83200##", "2"), ("Valparaíso", "Valparaíso", "23400##", "32")]),
}
PHONE_CC = {"US": "1", "CA": "1", "GB": "44", "DE": "49", "FR": "33", "ES": "34", "MX": "52",
            "PL": "48", "JP": "81", "GR": "30", "DK": "45", "RS": "381", "TR": "90", "CL": "56"}
LOCALE_COUNTRIES = {"en": ["US"] * 7 + ["GB", "CA"], "de": ["DE"], "fr": ["FR"], "es": ["ES", "MX"],
                    "pl": ["PL"], "ja": ["JP"], "el": ["GR"], "dk": ["DK"], "rs": ["RS"],
                    "tr": ["TR"], "cl": ["CL"]}
STREETS = {
    "en": (["Main", "Oak", "Market", "Harbor", "Mission", "Elm", "Lake", "Hill", "Washington",
            "Cedar", "Park", "Maple", "Sunset", "Church", "Mill"], ["St", "Ave", "Blvd", "Road", "Way", "Drive"]),
    "de": ["Hauptstraße", "Königsallee", "Bahnhofstraße", "Schloßstraße", "Gartenweg", "Mühlenstraße",
           "Lindenstraße", "Am Hafen"],
    "fr": ["rue de la Paix", "avenue des Champs-Élysées", "rue Sainte-Catherine", "boulevard Saint-Germain",
           "rue de l'Église", "place de la Comédie"],
    "es": ["Calle Mayor", "Avenida de América", "Calle de Alcalá", "Paseo de la Castellana", "Calle Señoría"],
    "pl": ["ul. Piotrkowska", "ul. Długa", "al. Jerozolimskie", "ul. Świętojańska", "ul. Grodzka"],
    "ja": ["丸の内", "梅田", "栄", "大手町", "西新宿"],
    "el": ["Οδός Ερμού", "Λεωφόρος Συγγρού", "Οδός Τσιμισκή", "Οδός Αιόλου"],
    "dk": ["Strøget", "Nørregade", "Vestergade"],
    "rs": ["Knez Mihailova", "Bulevar oslobođenja", "Zmaj Jovina"],
    "tr": ["Atatürk Bulvarı", "Cumhuriyet Caddesi", "Gazi Mustafa Kemal Bulvarı"],
    "cl": ["Avenida Providencia", "Calle Huérfanos", "Avenida Apoquindo"],
}
CONTACT_NAMES = {  # locale -> (first names, last names)
    "en": (EN_FIRST, EN_SURNAMES), "de": (DE_FIRST, DE_SUR), "fr": (FR_FIRST, FR_LAST),
    "es": (ES_FIRST, ES_LAST), "pl": (PL_FIRST, PL_LAST), "ja": (JA_FIRST, [f for f in JA_FAMILY[:10]]),
    "el": (EL_FIRST, EL_LAST), "dk": (["Søren", "Mette", "Jørgen", "Åse"], ["Sørensen", "Jørgensen", "Møller", "Kjærgaard"]),
    "rs": (["Đorđe", "Milica", "Nikola", "Jelena"], ["Đorđević", "Petrović", "Jovanović", "Nikolić"]),
    "tr": (["Ayşe", "Mehmet", "Gül", "Çağlar"], ["Yılmaz", "Çelik", "Şahin", "Öztürk"]),
    "cl": (["Martín", "Valentina", "Ignacio", "Antonia"], ["Muñoz", "Rojas", "Díaz", "Contreras"]),
}

ACCOUNT_TYPES = [("Customer", 55), ("Prospect", 20), ("Partner", 12), ("Reseller", 13)]
RATINGS = [(None, 40), ("Active", 35), ("Acquired", 10), ("Market Failed", 5),
           ("Project Cancelled", 5), ("Shut Down", 5)]
OWNERSHIP = [(None, 30), ("Private", 45), ("Public", 12), ("Subsidiary", 8), ("Partnership", 5)]
TITLES = ["CEO", "CFO", "Controller", "Accounts Payable Manager", "Purchasing Manager",
          "Office Manager", "Operations Director", "IT Manager", "Sales Director", "Bookkeeper",
          "Head of Procurement", "Finance Assistant"]
DEPARTMENTS = ["Finance", "Purchasing", "Operations", "IT", "Sales", "Administration", "Management"]
SALUTATIONS = [(None, 45), ("Mr.", 20), ("Ms.", 20), ("Mrs.", 5), ("Dr.", 8), ("Prof.", 2)]

DESC_SENTENCES = [
    "Customer since {year}.",
    "Prefers invoices by e-mail, not by post.",
    'Signed the "Gold" support plan in {year}.',
    "Main office in {city}; warehouse in {city2}.",
    "Renewal due in Q{q}.\nAsk for the procurement contact first.",
    "Referred by a long-time partner, {surname}.",
    'Uses "net 30" terms, except for hardware orders.',
    "Pays by bank transfer, usually within {days} days.",
    "Expanding into {city2} next year, per the last call.",
    "Two sites, one billing address.",
    "Asked for a quote on {n} seats, then went quiet.",
    "Key account: escalate, don't wait.",
    'Their AP team calls us "the blue supplier", don\'t ask.',
    "Moved from a competitor in {year}, after a price review.",
]

PRODUCT_GROUPS = [  # (category labels with weights, adjectives, nouns, models, price range in cents)
    ([("Hardware", 1)], ["Rugged", "Compact", "Wireless", "Industrial", "Smart", "Portable",
                         "Heavy-Duty", "Dual-Band", "Solar", "Modular"],
     ["Barcode Scanner", "Label Printer", "Router", "Docking Station", "Monitor Arm", "Tablet",
      "Power Bank", "Switch", "Sensor Kit", "Access Point", "Thermal Camera", "Keypad"],
     ["X200", "Pro", "Mini", "Max", "S2", "Plus", "Gen 3", "500", "Lite", "XL", "Ultra", "M4"],
     (2000, 250000)),
    ([("Goods", 1)], ["Organic", "Recycled", "Premium", "Classic", "Eco", "Artisan", "Bulk",
                      "Fair-Trade", "Café", "Crème"],
     ["Coffee Beans", "Copy Paper", "Olive Oil", "Notebook", "Water Bottle", "Tote Bag",
      "Desk Chair", "Tea Sampler", "Brûlée Mix", "Gift Box", "Cleaning Spray", "Candle Set"],
     ["1 kg", "500 g", "A4", "A5", "12-pack", "Large", "Small", "Set of 6", "750 ml", "Blue",
      "Natural", "Twin"],
     (200, 20000)),
    ([("Service", 4), ("services", 1)], ["On-site", "Remote", "Annual", "Quarterly", "Express",
                                         "Standard", "Premium", "Weekend", "Emergency", "Extended"],
     ["Installation", "Maintenance Plan", "Consulting Hour", "Training Day", "Support Package",
      "Audit", "Setup", "Repair", "Cleaning Visit", "Data Migration", "Health Check", "Workshop"],
     ["Bronze", "Silver", "Gold", "Tier 1", "Tier 2", "EU", "US", "APAC", "Level A", "Level B",
      "Half Day", "Full Day"],
     (5000, 500000)),
    ([("Software", 1)], ["Cloud", "Enterprise", "Starter", "Team", "Analytics", "Secure",
                         "Mobile", "Desktop", "Inventory", "Payroll"],
     ["License", "Seat", "Subscription", "Add-on", "Suite", "Connector", "API Plan", "Backup",
      "Storage Pack", "Edition", "Module", "Toolkit"],
     ["Monthly", "Yearly", "1 User", "5 Users", "25 Users", "Unlimited", "v2", "v3", "Basic",
      "Advanced", "2026", "Perpetual"],
     (1000, 100000)),
]
PRODUCT_BRANDS = ["", "Contoso", "Fabrikam", "Adatum", "Litware", "Proseware", "Tailspin",
                  "Wingtip", "Lucerne", "Alpine", "Kōgen", "Nordlys", "Brightline", "AltVolt",
                  "Margie's", "Humongous", "Trey", "Coho", "Relecloud", "Woodgrove", "Bellows",
                  "Graphic", "Lamna", "Fjällbo"]
SKU_PREFIX = {"Hardware": "HW", "Goods": "GD", "Service": "SV", "services": "SV", "Software": "SW"}
USAGE_UNITS = {"Hardware": ["Each", "Box", "Pieces"], "Goods": ["Each", "Box", "Pack", "Carton"],
               "Service": ["Hours", "Each"], "services": ["Hours", "Each"], "Software": ["Each", "Licence"]}
MANUFACTURERS = [None, None, "AltVolt", "Brightline", "Contoso", "Fabrikam", "Kōgen Works", "Nordlys"]

VENDOR_TRADE = ["Supply", "Components", "Wholesale", "Distributors", "Imports", "Parts",
                "Packaging", "Materials", "Provisions", "Fasteners", "Electronics", "Paper",
                "Chemicals", "Lumber", "Tooling", "Fixtures", "Fabrics", "Coatings", "Optics", "Pumps"]
VENDOR_SUFFIX = ["Co", "Ltd.", "Inc", "LLC.", "Bros.", "& Sons", "Trading Co", "Supply Co"]
VENDOR_U_CITY = ["Łódź", "Kraków", "Zürich", "Málaga", "Göteborg", "Tromsø", "Köln", "Orléans",
                 "Brașov", "Plzeň", "Škofja Loka", "Mérida"]
VENDOR_U_TRADE = ["Hurt", "Exports", "Metall", "Textil", "Keramik", "Druck", "Holz", "Glas"]
VENDOR_CATEGORIES = ["Raw materials", "Office supplies", "IT services", "Logistics", "Packaging",
                     "Facilities", "Marketing", "Electronics"]
GL_ACCOUNTS = [None, "Cost of Goods Sold", "Office Expenses", "IT and Internet Expenses",
               "Freight Charges", "Purchases"]

# --------------------------------------------------------------------------
# Name normalisation v1 (docs/design.md "Duplicates"): NFKC + full case
# folding, trimmed, runs of Unicode white space collapsed to one space;
# accents kept.


def norm(s):
    s = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", s).casefold())
    return " ".join(s.split())


ASCII_FOLD = str.maketrans({"ß": "ss", "Ł": "L", "ł": "l", "Æ": "Ae", "æ": "ae", "Ø": "O",
                            "ø": "o", "Đ": "Dj", "đ": "dj", "Œ": "Oe", "œ": "oe", "ı": "i",
                            "Å": "Aa", "å": "aa"})


def ascii_slug(s, sep=""):
    s = unicodedata.normalize("NFKD", s.translate(ASCII_FOLD))
    s = s.encode("ascii", "ignore").decode().lower()
    return sep.join(re.findall(r"[a-z0-9]+", s))


def strip_accents(s):
    d = unicodedata.normalize("NFD", s)
    return unicodedata.normalize("NFC", "".join(c for c in d if not unicodedata.combining(c)))


def native(x):
    return x[0] if isinstance(x, tuple) else x


_SLUGS = {}


def slug_of(x):
    if isinstance(x, tuple):
        return x[1]
    s = _SLUGS.get(x)
    if s is None:
        s = _SLUGS[x] = ascii_slug(x)
    return s


# --------------------------------------------------------------------------
# Name variants: a different string that normalises to the same name.

def _halfwidth_table():
    t = {}
    for cp in range(0xFF61, 0xFFA0):
        n = unicodedata.normalize("NFKC", chr(cp))
        if len(n) == 1:
            t.setdefault(n, chr(cp))
    t["\u3099"] = "\uff9e"  # combining voiced sound mark
    t["\u309a"] = "\uff9f"
    return t


HALFWIDTH = _halfwidth_table()


def _fullwidth(s):
    return "".join(chr(ord(c) + 0xFEE0) if 0x21 <= ord(c) <= 0x7E else c for c in s)


def _compat_cjk(s):
    """A compatibility form in a Japanese name: ㈱ for (株), half-width katakana."""
    if "(株)" in s:
        return s.replace("(株)", "㈱")
    if any("\u30a0" <= c <= "\u30ff" for c in s):
        d = unicodedata.normalize("NFD", s)
        return "".join(HALFWIDTH.get(c, c) if "\u3099" <= c <= "\u30ff" else c for c in d)
    return None


def _compat(s):
    """A compatibility form: CJK ones, else a Latin ligature (ﬁ ﬂ ﬀ)."""
    v = _compat_cjk(s)
    if v is not None:
        return v
    for lig, rep in (("fi", "ﬁ"), ("fl", "ﬂ"), ("ff", "ﬀ")):
        if lig in s:
            return s.replace(lig, rep, 1)
    return None


def _odd_space(s, r):
    """One space replaced by another Unicode space (NBSP, en space, ideographic)."""
    if " " not in s:
        return None
    return s.replace(" ", ["\u00a0", "\u2002", "\u3000"][int(r() * 3)], 1)


def _mixed_case(s, r):
    words = s.split(" ")
    i = int(r() * len(words))
    w = words[i]
    words[i] = w.lower() if w != w.lower() else w.upper()
    return " ".join(words)


def _inner_space(s, r):
    spaces = [i for i, c in enumerate(s) if c == " "]
    if not spaces:
        return None
    i = spaces[int(r() * len(spaces))]
    return s[:i] + ("  " if r() < 0.7 else "   ") + s[i + 1:]


VARIANTS = ["upper", "inner_space", "fullwidth", "trailing_space", "nfd", "lower", "compat_cjk",
            "odd_space", "sharp_s", "mixed_case", "compat"]


def make_variant(s, kind, r):
    """Returns a string != s with norm() equal to norm(s), or None."""
    if kind == "upper":
        v = s.upper()
    elif kind == "lower":
        v = s.lower()
    elif kind == "mixed_case":
        v = _mixed_case(s, r)
    elif kind == "inner_space":
        v = _inner_space(s, r)
    elif kind == "trailing_space":
        v = s + " " if r() < 0.75 else " " + s
    elif kind == "fullwidth":
        v = _fullwidth(s)
    elif kind == "nfd":
        v = unicodedata.normalize("NFD", s)
    elif kind == "compat":
        v = _compat(s)
    elif kind == "compat_cjk":
        v = _compat_cjk(s)
    elif kind == "odd_space":
        v = _odd_space(s, r)
    elif kind == "sharp_s":
        v = s.upper() if "ß" in s else None
    else:
        raise ValueError(kind)
    if v is None or v == s or norm(v) != norm(s):
        return None
    return v


# --------------------------------------------------------------------------
# Unique names without remembering them: a keyed Feistel permutation of
# [0, M) maps a counter to a pseudo-random, never repeated combination.

M64 = (1 << 64) - 1


class Perm:
    def __init__(self, size, key):
        self.size = size
        bits = max(2, (size - 1).bit_length())
        self.h = (bits + 1) // 2
        self.mask = (1 << self.h) - 1
        kr = random.Random(key)
        self.keys = [int(kr.random() * (1 << 53)) for _ in range(4)]

    def __call__(self, v):
        h, mask = self.h, self.mask
        while True:
            lo, hi = v & mask, v >> h
            for k in self.keys:
                x = (lo * 0x9E3779B97F4A7C15 + k) & M64
                x ^= x >> 29
                x = (x * 0xBF58476D1CE4E5B9) & M64
                x ^= x >> 32
                lo, hi = hi ^ (x & mask), lo
            v = (hi << h) | lo
            if v < self.size:
                return v


class NameSpace:
    """Names built from one combination of word lists per counter value.

    fmt(parts) -> (name, slug); counters run up from 0 (next()) and down
    from the top (next_top()), so two streams never share a name."""

    def __init__(self, lists, fmt, locale, key, wrap=False):
        self.lists = lists
        self.wrap = wrap        # when used up, start again with " Series 2", " Series 3", …
        self.cycle = 0
        self.fmt = fmt
        self.locale = locale
        self.size = 1
        for lst in lists:
            self.size *= len(lst)
        self.perm = Perm(self.size, key)
        self.lo = 0
        self.hi = self.size

    def left(self):
        return self.hi - self.lo

    def _at(self, k):
        v = self.perm(k)
        parts = []
        for lst in self.lists:
            v, d = divmod(v, len(lst))
            parts.append(lst[d])
        return self.fmt(parts)

    def next(self):
        while True:
            if self.lo == self.hi and self.wrap:
                self.lo, self.cycle = 0, self.cycle + 1
            if self.lo >= self.hi:
                return None
            self.lo += 1
            name, slug = self._at(self.lo - 1)
            if self.cycle:
                name += f" Series {self.cycle + 1}"
            if name not in SHOWCASE_NAMES:
                return name, slug

    def next_top(self):
        while self.lo < self.hi:
            self.hi -= 1
            name, slug = self._at(self.hi)
            if name not in SHOWCASE_NAMES:
                return name, slug
        return None


def _en4(p):
    name = f"{p[0]} {p[1]} {p[2][0]} {p[3]}"
    return name, ascii_slug(f"{p[0]}{p[1]}{p[2][0]}")


def _en_sur(p):
    i = EN_SURNAMES.index(p[0])
    other = EN_SURNAMES[(i + 1 + p[1]) % len(EN_SURNAMES)]
    return f"{p[0]} & {other} {p[2]}", ascii_slug(p[0]) + "-" + ascii_slug(other)


def _ja(p):
    form, slugform = p[2]
    return form.format(p[0][0], p[1][0]), slugform.format(p[0][1], p[1][1])


def account_namespaces(seed):
    k = seed * 7919
    return [  # (namespace, weight)
        (NameSpace([EN_A, EN_B, EN_C, EN_S], _en4, "en", k + 1), 84.0),
        (NameSpace([EN_SURNAMES, list(range(len(EN_SURNAMES) - 1)), EN_S2], _en_sur, "en", k + 2), 6.0),
        (NameSpace([DE_SUR, DE_TRADE, DE_SUFFIX],
                   lambda p: (" ".join(p), ascii_slug(f"{p[0]} {p[1]}", "-")), "de", k + 3), 2.5),
        (NameSpace([FR_LEAD, FR_WORD, FR_SUFFIX],
                   lambda p: (" ".join(p), ascii_slug(f"{p[0]} {p[1]}", "-")), "fr", k + 4), 2.0),
        (NameSpace([ES_W1, ES_W2, ES_SUFFIX],
                   lambda p: (" ".join(p), ascii_slug(f"{p[0]} {p[1]}", "-")), "es", k + 5), 2.0),
        (NameSpace([PL_CITY, PL_TRADE, PL_SUFFIX],
                   lambda p: (" ".join(p), ascii_slug(f"{p[0]} {p[1]}", "-")), "pl", k + 6), 1.5),
        (NameSpace([JA_FAMILY, JA_TRADE, JA_FORM], _ja, "ja", k + 7), 1.2),
        (NameSpace([EL_WORD, EL_TRADE, EL_SUFFIX],
                   lambda p: (" ".join(native(x) for x in p), f"{p[0][1]}-{p[1][1]}-{p[2][1]}"),
                   "el", k + 8), 0.8),
    ]


# --------------------------------------------------------------------------
# Output: JSON arrays written one record per line, and CSV export files.

def jcell(v):
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v.is_integer():
            raise ValueError(f"float {v!r} would be written as {v!r}; use an int")
        return repr(v)
    raise TypeError(type(v))


# Record schemas in field order: (API name, kind); kind "s" scalar, "l" lookup
# {name,id} (CSV columns X, X.id), "u" user {name,id,email} (X, X.id, X.email).
SCHEMAS = {
    "Accounts": [("id", "s"), ("Owner", "u"), ("Account_Name", "s"), ("Account_Number", "s"),
                 ("Account_Type", "s"), ("Industry", "s"), ("Parent_Account", "l"), ("Phone", "s"),
                 ("Website", "s"), ("Employees", "s"), ("Annual_Revenue", "s"), ("Ownership", "s"),
                 ("Rating", "s"), ("Billing_Street", "s"), ("Billing_City", "s"),
                 ("Billing_State", "s"), ("Billing_Code", "s"), ("Billing_Country", "s"),
                 ("Shipping_Street", "s"), ("Shipping_City", "s"), ("Shipping_State", "s"),
                 ("Shipping_Code", "s"), ("Shipping_Country", "s"), ("Description", "s"),
                 ("Created_Time", "s"), ("Modified_Time", "s")],
    "Contacts": [("id", "s"), ("Owner", "u"), ("Salutation", "s"), ("First_Name", "s"),
                 ("Last_Name", "s"), ("Full_Name", "s"), ("Account_Name", "l"), ("Email", "s"),
                 ("Phone", "s"), ("Mobile", "s"), ("Title", "s"), ("Department", "s"),
                 ("Email_Opt_Out", "s"), ("Mailing_Street", "s"), ("Mailing_City", "s"),
                 ("Mailing_State", "s"), ("Mailing_Zip", "s"), ("Mailing_Country", "s"),
                 ("Description", "s"), ("Created_Time", "s"), ("Modified_Time", "s")],
    "Products": [("id", "s"), ("Owner", "u"), ("Product_Name", "s"), ("Product_Code", "s"),
                 ("Product_Category", "s"), ("Product_Active", "s"), ("Unit_Price", "s"),
                 ("Taxable", "s"), ("Qty_in_Stock", "s"), ("Usage_Unit", "s"),
                 ("Manufacturer", "s"), ("Vendor_Name", "l"), ("Description", "s"),
                 ("Created_Time", "s"), ("Modified_Time", "s")],
    "Vendors": [("id", "s"), ("Owner", "u"), ("Vendor_Name", "s"), ("Email", "s"), ("Phone", "s"),
                ("Website", "s"), ("Category", "s"), ("GL_Account", "s"), ("Street", "s"),
                ("City", "s"), ("State", "s"), ("Zip_Code", "s"), ("Country", "s"),
                ("Description", "s"), ("Created_Time", "s"), ("Modified_Time", "s")],
}
SUBKEYS = {"l": ("name", "id"), "u": ("name", "id", "email")}


def csv_header(schema):
    cols = []
    for key, kind in schema:
        if kind == "s":
            cols.append(key)
        else:
            cols.extend(key if sub == "name" else f"{key}.{sub}" for sub in SUBKEYS[kind])
    return cols


def csv_row_fn(schema):
    """A fast csv_row() for one schema (generated code; same result)."""
    cells = []
    for key, kind in schema:
        if kind == "s":
            cells.append(f"(_ if (_ := rec[{key!r}]).__class__ is str else J(_))")
        else:
            for sub in SUBKEYS[kind]:
                cells.append(f"(E if (o := rec[{key!r}]) is None else "
                             f"(_ if (_ := o[{sub!r}]).__class__ is str else J(_)))")
    src = "def row(rec):\n    return [" + ",\n        ".join(cells) + "]\n"
    env = {"J": jcell, "E": ""}
    exec(src, env)
    return env["row"]


def csv_row(schema, rec):
    row = []
    for key, kind in schema:
        v = rec[key]
        if kind == "s":
            row.append(jcell(v))
        elif v is None:
            row.extend([""] * len(SUBKEYS[kind]))
        else:
            row.extend(jcell(v[sub]) for sub in SUBKEYS[kind])
    return row


ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
BUF = 1 << 20


class JsonArray:
    """A JSON array written one element per line: "[", elements, "]"."""

    def __init__(self, path):
        self.f = open(path, "w", encoding="utf-8", newline="\n", buffering=BUF)
        self.n = 0

    def write(self, rec):
        self.f.write(("[\n" if self.n == 0 else ",\n") + ENCODE(rec))
        self.n += 1

    def close(self):
        self.f.write("[]\n" if self.n == 0 else "\n]\n")
        self.f.close()


class ModuleWriter:
    def __init__(self, module, out, fmt):
        self.module = module
        self.schema = SCHEMAS[module]
        self.keys = [k for k, _ in self.schema]
        self.json = JsonArray(os.path.join(out, "crm", module + ".json")) if fmt != "csv" else None
        self.csvf = None
        if fmt != "api":
            self.csvf = open(os.path.join(out, "csv", module + ".csv"), "w", encoding="utf-8",
                             newline="", buffering=BUF)
            if module == "Accounts":
                self.csvf.write("\ufeff")
            self.csv = csv.writer(self.csvf, lineterminator="\r\n")
            self.csv.writerow(csv_header(self.schema))
            self.row = csv_row_fn(self.schema)
        self.n = 0

    def write(self, rec):
        if self.n == 0:
            if list(rec) != self.keys:
                raise AssertionError(f"{self.module}: record keys {list(rec)} != schema")
            if self.csvf and self.row(rec) != csv_row(self.schema, rec):
                raise AssertionError(f"{self.module}: csv_row_fn disagrees with csv_row")
        if self.json:
            self.json.write(rec)
        if self.csvf:
            self.csv.writerow(self.row(rec))
        self.n += 1

    def close(self):
        if self.json:
            self.json.close()
        if self.csvf:
            self.csvf.close()


def write_json(path, obj):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


# --------------------------------------------------------------------------
# Time stamps: seconds before BASE -> "YYYY-MM-DDTHH:MM:SS+05:30".

_BASE_DT = _dt.datetime(*BASE_LOCAL)
_BASE_ORD = _BASE_DT.date().toordinal()
_BASE_SOD = BASE_LOCAL[3] * 3600 + BASE_LOCAL[4] * 60 + BASE_LOCAL[5]
_DAYS = {}


def ts(before, books=False):
    """Local time (+05:30) `before` seconds before BASE."""
    t = _BASE_SOD - before
    d, s = divmod(t, 86400)
    day = _DAYS.get(d)
    if day is None:
        day = _DAYS[d] = _dt.date.fromordinal(_BASE_ORD + d).isoformat()
    hh, s = divmod(s, 3600)
    mm, ss = divmod(s, 60)
    return f"{day}T{hh:02d}:{mm:02d}:{ss:02d}" + ("+0530" if books else "+05:30")


# --------------------------------------------------------------------------
# The generator

def weighted(pairs):
    total = float(sum(w for _, w in pairs))
    acc, out = 0.0, []
    for v, w in pairs:
        acc += w / total
        out.append((acc, v))
    out[-1] = (1.1, out[-1][1])
    return out


def pick_w(table, x):
    for edge, v in table:
        if x < edge:
            return v
    return table[-1][1]


class Gen:
    def __init__(self, a):
        self.a = a
        self.seed = a.seed
        self.owner_w = weighted(USERS)
        self.type_w = weighted(ACCOUNT_TYPES)
        self.rating_w = weighted(RATINGS)
        self.own_w = weighted(OWNERSHIP)
        self.sal_w = weighted(SALUTATIONS)
        self.stats = Counter()

    def rng(self, stream):
        return random.Random(self.seed * 1000003 + stream).random

    # --- shared pieces

    def owner(self, r):
        return dict(pick_w(self.owner_w, r()))

    def phone(self, r, cc, area):
        if cc in ("US", "CA"):
            return f"({area}) 555-01{int(r() * 100):02d}"
        n = int(r() * 10 ** 7)
        return f"+{PHONE_CC[cc]} {area} {n // 10000:03d} {n % 10000:04d}"

    def address(self, r, locale, cc=None):
        if cc is None:
            opts = LOCALE_COUNTRIES[locale]
            cc = opts[int(r() * len(opts))]
        country, cities = COUNTRIES[cc]
        city, state, code, area = cities[int(r() * len(cities))]
        code = "".join(str(int(r() * 10)) if ch == "#" else ch for ch in code)
        n = 1 + int(r() * 400)
        st = STREETS.get(locale, STREETS["en"])
        if locale == "en":
            names, kinds = st
            street = f"{n} {names[int(r() * len(names))]} {kinds[int(r() * len(kinds))]}"
            if r() < 0.15:
                street += f", Suite {100 + int(r() * 900)}"
        elif locale == "ja":
            street = f"{st[int(r() * len(st))]}{1 + int(r() * 4)}-{1 + int(r() * 9)}-{n % 20 + 1}"
        elif locale == "fr":
            street = f"{n} {st[int(r() * len(st))]}"
        else:
            street = f"{st[int(r() * len(st))]} {n}"
        return {"street": street, "city": city, "state": state, "code": code, "country": country,
                "cc": cc, "area": area}

    def times(self, r, created_before):
        """(Created_Time, Modified_Time) for a record created `created_before` s before BASE."""
        c = created_before
        m = c - int(c * r() ** 3) if r() < 0.6 else c
        return ts(c), ts(m)

    def description(self, r, addr):
        x = r()
        if x < 0.3:
            return None
        n = 1 if x < 0.85 else 2
        parts = []
        last = -1
        for _ in range(n):
            j = int(r() * len(DESC_SENTENCES))
            if j == last:
                j = (j + 1) % len(DESC_SENTENCES)
            last = j
            s = DESC_SENTENCES[j]
            parts.append(s.format(year=2016 + int(r() * 10), city=addr["city"],
                                  city2=COUNTRIES["US"][1][int(r() * 12)][0], q=1 + int(r() * 4),
                                  surname=EN_SURNAMES[int(r() * len(EN_SURNAMES))],
                                  days=[10, 14, 30, 45, 60][int(r() * 5)], n=5 + int(r() * 200)))
        return " ".join(parts)

    def contact_person(self, r, locale):
        firsts, lasts = CONTACT_NAMES.get(locale, CONTACT_NAMES["en"])
        if locale != "ja" and r() >= 0.8:   # mixed teams: some have English names
            firsts, lasts = CONTACT_NAMES["en"]
        f = firsts[int(r() * len(firsts))]
        l = lasts[int(r() * len(lasts))]
        return f, l

    # --- vendors

    def gen_vendors(self, w, fin):
        a = self.a
        r = self.rng(4)
        vr = self.rng(14)
        ns_en = NameSpace([EN_A, EN_B, VENDOR_TRADE, VENDOR_SUFFIX],
                          lambda p: (" ".join(p), ascii_slug(f"{p[0]}{p[1]}{p[2]}")), "en",
                          self.seed * 7919 + 11)
        ns_u = NameSpace([VENDOR_U_CITY, VENDOR_U_TRADE],
                         lambda p: (" ".join(p), ascii_slug(" ".join(p), "-")), "u",
                         self.seed * 7919 + 12)
        n = a.vendors
        k_fin = min(a.finance_vendors, n)
        chosen = 0
        self.vendor_refs = []   # (name, id) of the first vendors, for product lookups
        step = SPAN / max(n, 1)
        for i in range(n):
            name_slug = ns_u.next() if r() < 0.1 else None
            if name_slug is None:
                name_slug = ns_en.next()
            if name_slug is None:
                sys.exit("gen-fixtures: vendor name space exhausted")
            name, slug = name_slug
            vid = f"{ID_PREFIX['Vendors']}{i + 1:09d}"
            addr = self.address(r, "en" if r() < 0.8 else ["de", "pl", "fr", "es"][int(r() * 4)])
            created = SPAN - int((i + r()) * step)
            ct, mt = self.times(r, created)
            rec = {
                "id": vid, "Owner": self.owner(r), "Vendor_Name": name,
                "Email": f"{['accounts', 'sales', 'billing', 'orders'][int(r() * 4)]}@{slug}.example",
                "Phone": self.phone(r, addr["cc"], addr["area"]),
                "Website": f"https://www.{slug}.example" if r() < 0.85 else None,
                "Category": VENDOR_CATEGORIES[int(r() * len(VENDOR_CATEGORIES))],
                "GL_Account": GL_ACCOUNTS[int(r() * len(GL_ACCOUNTS))],
                "Street": addr["street"], "City": addr["city"], "State": addr["state"],
                "Zip_Code": addr["code"], "Country": addr["country"],
                "Description": self.description(r, addr),
                "Created_Time": ct, "Modified_Time": mt,
            }
            w.write(rec)
            if len(self.vendor_refs) < 1000:
                self.vendor_refs.append((name, vid))
            # existing finance vendors: exactly k_fin of the n, chosen as we go
            if k_fin and vr() * (n - i) < (k_fin - chosen):
                fname = name
                if chosen % 2 == 1:
                    v = make_variant(name, VARIANTS[(chosen // 2) % len(VARIANTS)], vr) \
                        or make_variant(name, "trailing_space", vr)
                    fname = v or name
                fin.vendor(fname, rec, vr)
                chosen += 1
        self.stats["vendors"] = n
        self.stats["finance_vendors"] = chosen

    # --- products

    def gen_products(self, w):
        a = self.a
        r = self.rng(3)
        groups = []
        for gi, (cats, adjs, nouns, models, price) in enumerate(PRODUCT_GROUPS):
            ns = NameSpace([PRODUCT_BRANDS, adjs, nouns, models],
                           lambda p: (" ".join(x for x in p if x), ""), "en",
                           self.seed * 7919 + 21 + gi, wrap=True)
            groups.append((weighted(cats), ns, price))
        n = a.products
        sku_perm = Perm(max(10 ** 6, 10 ** len(str(max(n - 1, 1)))), self.seed * 7919 + 29)
        sku_digits = len(str(sku_perm.size - 1))
        # finance items: which products they borrow from
        ir = self.rng(13)
        self.item_sources = {}
        want = min(self.a.finance_items, n)
        picks = set()
        while len(picks) < want:
            picks.add(int(ir() * n))
        order = sorted(picks, key=lambda p: (ir(), p))
        self.item_sources = {p: None for p in order}
        self.item_order = order
        recent = deque(maxlen=64)
        step = SPAN / max(n, 1)
        same_name = 0
        for i in range(n):
            gi = int(r() * len(groups))
            cat_w, ns, (lo, hi) = groups[gi]
            name = None
            if recent and r() < a.same_name_rate:
                j = int(r() * len(recent))
                name, gi0 = recent[j]
                del recent[j]
                cat_w, ns, (lo, hi) = groups[gi0]
                same_name += 1
            else:
                got = ns.next()
                if got is None:
                    sys.exit("gen-fixtures: product name space exhausted")
                name = got[0]
                recent.append((name, gi))
            cat = pick_w(cat_w, r())
            if r() < 0.03:
                cat = None
            prefix = SKU_PREFIX[cat] if cat else "PR"
            sku = f"{prefix}-{sku_perm(i):0{sku_digits}d}"
            cents = lo + int((hi - lo) * r() ** 2)
            if r() < 0.3:
                cents -= cents % 100
            elif r() < 0.3:
                cents = cents - cents % 100 + 99
            price = cents // 100 if cents % 100 == 0 else cents / 100
            vend = None
            if self.vendor_refs and r() < 0.5:
                vn, vi = self.vendor_refs[int(r() * len(self.vendor_refs))]
                vend = {"name": vn, "id": vi}
            created = SPAN - int((i + r()) * step)
            ct, mt = self.times(r, created)
            unit_cat = cat or "Goods"
            rec = {
                "id": f"{ID_PREFIX['Products']}{i + 1:09d}", "Owner": self.owner(r),
                "Product_Name": name, "Product_Code": sku, "Product_Category": cat,
                "Product_Active": True, "Unit_Price": price, "Taxable": r() < 0.8,
                "Qty_in_Stock": int(r() * 500) if cat in ("Goods", "Hardware") else None,
                "Usage_Unit": USAGE_UNITS[unit_cat][int(r() * len(USAGE_UNITS[unit_cat]))],
                "Manufacturer": MANUFACTURERS[int(r() * len(MANUFACTURERS))],
                "Vendor_Name": vend,
                "Description": None if r() < 0.4 else
                ["Ships in 2–3 days.", "Price per unit, excl. tax.", 'Sold as "each", not per box.',
                 "Billed in advance, non-refundable.", "Replaces the previous model; same accessories."
                 ][int(r() * 5)],
                "Created_Time": ct, "Modified_Time": mt,
            }
            w.write(rec)
            if i in self.item_sources:
                self.item_sources[i] = rec
        self.stats["products"] = n
        self.stats["same_name_products"] = same_name

    # --- accounts and contacts

    def gen_accounts(self, wa, wc, fin):
        a = self.a
        r = self.rng(1)          # accounts
        cr = self.rng(2)         # contacts
        vr = self.rng(5)         # name variants
        fr = self.rng(6)         # finance customers
        spaces = account_namespaces(self.seed)
        space_w = [(ns, wt) for ns, wt in spaces]
        en4 = spaces[0][0]
        n = a.accounts
        recent = deque(maxlen=256)    # (name, id, locale, slug) of recent canonical names
        variant_i = 0
        near_rate = a.collision_rate / 5
        # contacts
        cpa = a.contacts_per_account
        cpa_n = max(4, math.ceil(2 * cpa))
        cpa_p = min(1.0, cpa / cpa_n) if cpa_n else 0
        n_orph = a.orphan_contacts
        orph_done = 0
        cid = 0
        c_last = SPAN + 1
        # finance customers: n_fin = matched (exact/variant) + finance-only
        n_fin = a.finance_existing
        n_only = n_fin // 3 if n else n_fin
        n_match = min(n_fin - n_only, n)
        n_only = n_fin - n_match
        matched = 0
        only_done = 0
        step = SPAN / max(n, 1)

        def contact(acct, addr, locale, created_floor):
            nonlocal cid, c_last
            first, last = self.contact_person(cr, locale)
            if cr() < 0.02:
                first = None
            fnat, lnat = (native(first) if first else None), native(last)
            cid += 1
            email_local = ".".join(x for x in (slug_of(first) if first else None, slug_of(last)) if x)
            domain = acct["_domain"] if acct else ["mail.example", "post.example", "inbox.example"][int(cr() * 3)]
            c_created = min(c_last - 1, created_floor - int(cr() * 7200))
            c_created = max(c_created, 1)
            c_last = c_created
            ct, mt = self.times(cr, c_created)
            maddr = addr if (addr and cr() < 0.7) else self.address(cr, locale)
            full = f"{fnat} {lnat}" if fnat else lnat
            if locale == "ja" and fnat:
                full = f"{lnat} {fnat}"
            rec = {
                "id": f"{ID_PREFIX['Contacts']}{cid:09d}", "Owner": self.owner(cr),
                "Salutation": pick_w(self.sal_w, cr()), "First_Name": fnat, "Last_Name": lnat,
                "Full_Name": full,
                "Account_Name": {"name": acct["Account_Name"], "id": acct["id"]} if acct else None,
                "Email": f"{email_local}{cid}@{domain}",
                "Phone": self.phone(cr, maddr["cc"], maddr["area"]) if cr() < 0.8 else None,
                "Mobile": self.phone(cr, maddr["cc"], maddr["area"]) if cr() < 0.5 else None,
                "Title": TITLES[int(cr() * len(TITLES))] if cr() < 0.85 else None,
                "Department": DEPARTMENTS[int(cr() * len(DEPARTMENTS))] if cr() < 0.6 else None,
                "Email_Opt_Out": cr() < 0.07,
                "Mailing_Street": maddr["street"], "Mailing_City": maddr["city"],
                "Mailing_State": maddr["state"], "Mailing_Zip": maddr["code"],
                "Mailing_Country": maddr["country"],
                "Description": None if cr() < 0.85 else
                ["Prefers phone calls.", "Approves invoices over $5,000.",
                 'Signs e-mails as "the accounts team".', "Back from leave in March.\nCopy the CFO."
                 ][int(cr() * 4)],
                "Created_Time": ct, "Modified_Time": mt,
            }
            wc.write(rec)
            if acct is None:
                self.stats["orphan_contacts"] += 1

        for i in range(n):
            # ---- the name
            name = slug = None
            kind = "plain"
            if i % 10 == 3 and i // 10 < len(SHOWCASE):
                name, locale, slug = SHOWCASE[i // 10]
                kind = "showcase"
            elif recent and vr() < a.collision_rate:
                for t in range(len(VARIANTS)):
                    vk = VARIANTS[(variant_i + t) % len(VARIANTS)]
                    start = int(vr() * len(recent))
                    for j in range(len(recent)):
                        b = recent[(start + j) % len(recent)]
                        v = make_variant(b[0], vk, vr)
                        if v is not None:
                            name, locale, slug = v, b[2], b[3]
                            del recent[(start + j) % len(recent)]
                            kind = "variant:" + vk
                            self.stats["variant_" + vk] += 1
                            break
                    if name is not None:
                        break
                variant_i += 1
            elif recent and vr() < near_rate:
                start = int(vr() * len(recent))
                for j in range(len(recent)):
                    b = recent[(start + j) % len(recent)]
                    v = strip_accents(b[0])
                    if norm(v) != norm(b[0]) and v not in SHOWCASE_NAMES:
                        name, locale, slug = v, b[2], b[3]
                        del recent[(start + j) % len(recent)]
                        kind = "near_miss"
                        self.stats["near_miss_accounts"] += 1
                        break
            if name is None:
                x = r() * sum(wt for ns, wt in space_w if ns.left())
                got = None
                for ns, wt in space_w:
                    if not ns.left():
                        continue
                    x -= wt
                    if x < 0:
                        got = ns.next()
                        if got:
                            locale = ns.locale
                        break
                if got is None:
                    got = en4.next()
                    locale = "en"
                if got is None:
                    sys.exit("gen-fixtures: account name space exhausted (too many --accounts)")
                name, slug = got
            if not name.isascii():
                self.stats["unicode_accounts"] += 1

            # ---- the record
            aid = f"{ID_PREFIX['Accounts']}{i + 1:09d}"
            addr = self.address(r, locale)
            same_ship = r() < 0.7
            ship = addr if same_ship else self.address(r, locale)
            industry = None
            if kind == "plain" and locale == "en" and " & " not in name:
                industry = INDUSTRY_OF.get(name.split(" ")[2])
            if industry is None or r() < 0.1:
                industry = EN_C[int(r() * len(EN_C))][1]
            if r() < 0.04:
                industry = None
            parent = None
            if recent and r() < 0.02:
                b = recent[int(r() * len(recent))]
                parent = {"name": b[0], "id": b[1]}
            emp = int(math.exp(r() * math.log(50000))) if r() < 0.9 else None
            rev = int(math.exp(math.log(1e5) + r() * math.log(5000))) // 1000 * 1000 if r() < 0.8 else None
            created = SPAN - int((i + r()) * step)
            ct, mt = self.times(r, created)
            rec = {
                "id": aid, "Owner": self.owner(r), "Account_Name": name,
                "Account_Number": f"AC-{i + 100001:07d}",
                "Account_Type": pick_w(self.type_w, r()), "Industry": industry,
                "Parent_Account": parent,
                "Phone": self.phone(r, addr["cc"], addr["area"]) if r() < 0.95 else None,
                "Website": f"https://www.{slug}.example" if r() < 0.8 else None,
                "Employees": emp, "Annual_Revenue": rev,
                "Ownership": pick_w(self.own_w, r()), "Rating": pick_w(self.rating_w, r()),
                "Billing_Street": addr["street"], "Billing_City": addr["city"],
                "Billing_State": addr["state"], "Billing_Code": addr["code"],
                "Billing_Country": addr["country"],
                "Shipping_Street": ship["street"], "Shipping_City": ship["city"],
                "Shipping_State": ship["state"], "Shipping_Code": ship["code"],
                "Shipping_Country": ship["country"],
                "Description": self.description(r, addr),
                "Created_Time": ct, "Modified_Time": mt,
            }
            wa.write(rec)
            if kind in ("plain", "showcase"):
                recent.append((name, aid, locale, slug))

            # ---- its contacts
            k = sum(1 for _ in range(cpa_n) if cr() < cpa_p) if cpa_p else 0
            if k:
                rec["_domain"] = f"{slug}.example"
                for _ in range(k):
                    contact(rec, addr, locale, created)
            # orphan contacts, spread evenly over the accounts
            while orph_done < n_orph and (orph_done + 1) * n // (n_orph + 1) <= i:
                orph_done += 1
                loc = ["en"] * 6 + ["de", "fr", "es", "pl", "ja", "el"]
                contact(None, None, loc[int(cr() * len(loc))], created)

            # ---- existing finance customers
            if n_match and fr() * (n - i) < (n_match - matched):
                fname = name
                how = "exact"
                if matched % 2 == 1:
                    for t in range(len(VARIANTS)):
                        vk = VARIANTS[(matched // 2 + t) % len(VARIANTS)]
                        v = make_variant(name, vk, fr)
                        if v is not None:
                            fname, how = v, "variant:" + vk
                            break
                fin.customer(fname, rec, fr, how)
                matched += 1
            while only_done < n_only and (only_done + 1) * n // (n_only + 1) <= i:
                fname = None
                if only_done % 3 == 0:
                    for j in range(len(recent) - 1, -1, -1):
                        b = recent[j]
                        v = strip_accents(b[0])
                        if norm(v) != norm(b[0]) and v not in SHOWCASE_NAMES:
                            fname = v
                            del recent[j]    # so no CRM account takes this name later
                            break
                how = "near_miss" if fname else "finance_only"
                if fname is None:
                    got = en4.next_top()
                    if got is None:
                        sys.exit("gen-fixtures: account name space exhausted")
                    fname = got[0]
                fin.customer(fname, None, fr, how)
                only_done += 1
        # no accounts: orphan contacts and finance-only customers still come out
        while orph_done < n_orph:
            orph_done += 1
            contact(None, None, "en", SPAN)
        while only_done < n_only:
            got = en4.next_top()
            fin.customer(got[0], None, fr, "finance_only")
            only_done += 1
        self.stats["accounts"] = n
        self.stats["contacts"] = cid


class Finance:
    """finance/books/contacts.json and items.json: the finance app's own records."""

    def __init__(self, out, gen):
        self.contacts = JsonArray(os.path.join(out, "finance", "books", "contacts.json"))
        self.out = out
        self.gen = gen
        self.n = 0
        self.kinds = Counter()

    def _contact(self, name, ctype, src, r, how):
        self.n += 1
        created = SPAN + 86400 * int(r() * 365)   # older than the CRM records
        rec = {
            "contact_id": f"{FIN_CONTACT_PREFIX}{self.n:08d}",
            "contact_name": name, "company_name": name.strip(),
            "contact_type": ctype,
        }
        if ctype == "customer":
            rec["customer_sub_type"] = "business"
        rec.update({
            "status": "active", "currency_id": FIN_ORG["currency_id"], "currency_code": "USD",
            "payment_terms": [0, 15, 30, 45][int(r() * 4)],
            "email": None, "phone": None, "website": None,
            "created_time": ts(created, books=True),
            "last_modified_time": ts(created - int(r() * 86400 * 300), books=True),
        })
        if src is not None:
            rec["email"] = src.get("Email") or ("billing@" + src["_domain"] if src.get("_domain") else None)
            rec["phone"] = src.get("Phone")
            rec["website"] = src.get("Website")
        self.contacts.write(rec)
        self.kinds[f"{ctype}:{how}"] += 1

    def customer(self, name, src, r, how):
        self._contact(name, "customer", src, r, how)

    def vendor(self, name, src, r):
        self._contact(name, "vendor", src, r, "exact" if name == src["Vendor_Name"] else "variant")

    def items(self, gen):
        r = gen.rng(15)
        with_items = [p for p in gen.item_order if gen.item_sources.get(p)]
        arr = JsonArray(os.path.join(self.out, "finance", "books", "items.json"))
        archetypes = ["name_and_sku", "name_only", "sku_only", "finance_only"]
        n = 0
        for j in range(self.gen.a.finance_items):
            kind = archetypes[j % 4]
            src = gen.item_sources[with_items[j]] if j < len(with_items) else None
            if src is None:
                kind = "finance_only"
            n += 1
            if kind == "name_and_sku":
                name, sku = src["Product_Name"], src["Product_Code"]
            elif kind == "name_only":
                name, sku = src["Product_Name"], f"BK-{n:05d}"
            elif kind == "sku_only":
                name, sku = src["Product_Name"] + " (old name)", src["Product_Code"]
            else:
                name, sku = f"Books-only Item {n}", f"BK-{n:05d}"
            cat = (src or {}).get("Product_Category") or ""
            ptype = "service" if cat.lower() in ("service", "services") else "goods"
            rate = src["Unit_Price"] if src and r() < 0.7 else (int(r() * 9000) + 100) / 100
            if isinstance(rate, float) and rate.is_integer():
                rate = int(rate)
            arr.write({"item_id": f"{FIN_ITEM_PREFIX}{n:08d}", "name": name, "sku": sku,
                       "rate": rate, "product_type": ptype, "status": "active",
                       "description": None})
            self.kinds["item:" + kind] += 1
        arr.close()
        return n

    def close(self):
        self.contacts.close()


def generate(a):
    out = a.out
    for d in ("crm", "finance/books") + (("csv",) if a.format != "api" else ()):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    # module files of the other format, left by an earlier run, would be read as current
    for m in SCHEMAS:
        for fmt, path in (("csv", os.path.join(out, "crm", m + ".json")),
                          ("api", os.path.join(out, "csv", m + ".csv"))):
            if a.format == fmt and os.path.exists(path):
                os.remove(path)
    write_json(os.path.join(out, "oauth.json"), OAUTH)
    write_json(os.path.join(out, "crm", "org.json"), CRM_ORG)
    write_json(os.path.join(out, "crm", "views.json"), VIEWS)
    write_json(os.path.join(out, "finance", "org.json"), FIN_ORG)
    write_json(os.path.join(out, "finance", "custom_fields.json"), FIN_CUSTOM_FIELDS)

    g = Gen(a)
    fin = Finance(out, g)
    w = {m: ModuleWriter(m, out, a.format) for m in ("Vendors", "Products", "Accounts", "Contacts")}
    g.gen_vendors(w["Vendors"], fin)
    w["Vendors"].close()
    g.gen_products(w["Products"])
    w["Products"].close()
    g.gen_accounts(w["Accounts"], w["Contacts"], fin)
    w["Accounts"].close()
    w["Contacts"].close()
    fin.close()
    n_items = fin.items(g)

    total = 0
    for root, _, files in os.walk(out):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    s = g.stats
    variants = sum(v for k, v in s.items() if k.startswith("variant_"))
    fk = fin.kinds
    print(f"gen-fixtures: {out}: accounts {s['accounts']} (unicode {s['unicode_accounts']}, "
          f"colliding pairs {variants} [{', '.join(f'{k[8:]} {s[k]}' for k in sorted(s) if k.startswith('variant_'))}], "
          f"near-miss {s['near_miss_accounts']}), contacts {s['contacts']} "
          f"(orphans {s['orphan_contacts']}), products {s['products']} (same-name {s['same_name_products']}), "
          f"vendors {s['vendors']}, finance customers {sum(v for k, v in fk.items() if k.startswith('customer:'))} "
          f"(exact {fk['customer:exact']}, normalised {sum(v for k, v in fk.items() if k.startswith('customer:variant'))}, "
          f"near-miss {fk['customer:near_miss']}, finance-only {fk['customer:finance_only']}), "
          f"finance vendors {s['finance_vendors']}, finance items {n_items}; {total} bytes",
          file=sys.stderr)


# --------------------------------------------------------------------------
# --check DIR: validate a seed folder; CSV <-> JSON round trip.

def show(s):
    """repr() with invisible differences spelled out: combining marks, odd spaces."""
    out = []
    for c in s:
        if unicodedata.combining(c) or (c.isspace() and c != " ") or unicodedata.category(c) == "Cf":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "'" + "".join(out) + "'"


class Checker:
    def __init__(self, d):
        self.d = d
        self.errors = []
        self.notes = []

    def err(self, msg):
        if len(self.errors) < 50:
            self.errors.append(msg)
        elif len(self.errors) == 50:
            self.errors.append("… more errors not shown")

    def note(self, msg):
        self.notes.append(msg)
        print("check: " + msg, file=sys.stderr)

    def load_small(self, rel):
        p = os.path.join(self.d, rel)
        if not os.path.exists(p):
            self.err(f"{rel}: missing")
            return None
        try:
            with open(p, encoding="utf-8") as f:
                return json.load(f)
        except ValueError as e:
            self.err(f"{rel}: invalid JSON: {e}")
            return None

    def iter_json(self, rel):
        """One record per line between '[' and ']'; checks the commas."""
        p = os.path.join(self.d, rel)
        with open(p, encoding="utf-8", newline="") as f:
            first = f.readline()
            if first == "[]\n":
                if f.read():
                    self.err(f"{rel}: text after []")
                return
            if first != "[\n":
                self.err(f"{rel}: line 1 is not '['")
                return
            lineno = 1
            pending = None
            for line in f:
                lineno += 1
                if pending is not None:
                    text, ln = pending
                    if line == "]\n":
                        if text.endswith(","):
                            self.err(f"{rel}:{ln}: trailing comma before ']'")
                            text = text[:-1]
                    elif not text.endswith(","):
                        self.err(f"{rel}:{ln}: no comma between records")
                    else:
                        text = text[:-1]
                    try:
                        yield json.loads(text)
                    except ValueError as e:
                        self.err(f"{rel}:{ln}: invalid JSON: {e}")
                        return
                if line == "]\n":
                    if f.read():
                        self.err(f"{rel}: text after ']'")
                    return
                if not line.endswith("\n"):
                    self.err(f"{rel}:{lineno}: no newline at end of file")
                pending = (line.rstrip("\n"), lineno)
            self.err(f"{rel}: no closing ']'")

    def csv_rows(self, module):
        rel = f"csv/{module}.csv"
        p = os.path.join(self.d, rel)
        with open(p, "rb") as f:
            head = f.read(3)
        bom = head == b"\xef\xbb\xbf"
        if bom != (module == "Accounts"):
            self.err(f"{rel}: {'a' if bom else 'no'} UTF-8 BOM (expected only on Accounts.csv)")
        # every row ends in CRLF; cells hold bare LF only
        crlf = 0
        last = b""
        tail = b""
        with open(p, "rb") as f:
            while True:
                chunk = f.read(1 << 22)
                if not chunk:
                    break
                crlf += (last + chunk[:1]).count(b"\r\n") + chunk.count(b"\r\n")
                last = chunk[-1:]
                tail = chunk[-2:] if len(chunk) >= 2 else tail + chunk
        self._crlf = crlf
        if not tail.endswith(b"\r\n"):
            self.err(f"{rel}: does not end in CRLF")
        with open(p, encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
            yield from csv.reader(f, strict=True)

    def run(self):
        d = self.d
        oauth = self.load_small("oauth.json")
        if oauth != OAUTH:
            self.err("oauth.json: not the sandbox clients")
        if self.load_small("crm/org.json") != CRM_ORG:
            self.err("crm/org.json: unexpected content")
        views = self.load_small("crm/views.json")
        if self.load_small("finance/org.json") != FIN_ORG:
            self.err("finance/org.json: unexpected content")
        if self.load_small("finance/custom_fields.json") != FIN_CUSTOM_FIELDS:
            self.err("finance/custom_fields.json: unexpected content")

        have_json = all(os.path.exists(os.path.join(d, "crm", m + ".json")) for m in SCHEMAS)
        have_csv = all(os.path.exists(os.path.join(d, "csv", m + ".csv")) for m in SCHEMAS)
        if not have_json and not have_csv:
            self.err("neither crm/<Module>.json nor csv/<Module>.csv files")
            return self.report()
        self.note(f"formats: {'api ' if have_json else ''}{'csv' if have_csv else ''}".strip())

        self.acct = {}      # account id -> hash(name)
        self.acct_norm = Counter()
        self.acct_norm_examples = {}
        self.acct_raw = Counter()
        self.acct_strip = {}    # hash(norm(name without accents)) -> hash(norm(name))
        self.acct_near = set()
        self.strip_name = {}
        self.near_examples = []
        self.vendor_names = {}
        self.vendor_raw = set()
        self.vendor_norm = set()
        self.products = {}  # sku -> name (for item matching) ... bounded below
        self.product_names = {}
        for module in ("Vendors", "Products", "Accounts", "Contacts"):
            self.check_module(module, have_json, have_csv)
        self.check_cross(views)
        self.check_finance()
        return self.report()

    def records(self, module, have_json, have_csv):
        """Yields records (from JSON, compared with the CSV row when both exist;
        from the CSV alone otherwise, rebuilt as the API would send them)."""
        schema = SCHEMAS[module]
        header_want = csv_header(schema)
        rows = None
        if have_csv:
            rows = self.csv_rows(module)
            header = next(rows, None)
            if header != header_want:
                self.err(f"csv/{module}.csv: header {header} != {header_want}")
                return
        n_csv = 0
        if have_json:
            for rec in self.iter_json(f"crm/{module}.json"):
                if list(rec) != [k for k, _ in schema]:
                    self.err(f"crm/{module}.json: record {rec.get('id')}: keys {list(rec)}")
                if rows is not None:
                    row = next(rows, None)
                    if row is None:
                        self.err(f"csv/{module}.csv: fewer rows than crm/{module}.json")
                        rows = None
                    else:
                        n_csv += 1
                        self.compare(module, header_want, row, rec)
                yield rec
            if rows is not None:
                extra = sum(1 for _ in rows)
                if extra:
                    self.err(f"csv/{module}.csv: {extra} rows more than crm/{module}.json")
        else:
            for row in rows:
                n_csv += 1
                yield self.unflatten(module, header_want, row)
        if have_csv:
            self.roundtrips = getattr(self, "roundtrips", 0) + (n_csv if have_json else 0)
            if self._crlf != n_csv + 1:
                self.err(f"csv/{module}.csv: {self._crlf} CRLF line ends for {n_csv + 1} rows")

    def unflatten(self, module, header, row):
        """A CSV row as the record it stands for: X + X.k columns -> {name, k};
        all empty -> null; other empty cells -> null; everything else a string."""
        if len(row) != len(header):
            self.err(f"csv/{module}.csv: row with {len(row)} cells, header has {len(header)}")
            row = (row + [""] * len(header))[:len(header)]
        cells = dict(zip(header, row))
        rec = {}
        for col in header:
            if "." in col:
                key, sub = col.split(".", 1)
                obj = rec.get(key)
                if obj is None:
                    continue
                obj[sub] = cells[col] or None
                continue
            subs = [c for c in header if c.startswith(col + ".")]
            if subs:
                if all(cells[c] == "" for c in [col] + subs):
                    rec[col] = None
                else:
                    rec[col] = {"name": cells[col] or None}
            else:
                rec[col] = cells[col] or None
        return rec

    def compare(self, module, header, row, rec):
        back = self.unflatten(module, header, row)
        if not self.same(rec, back):
            self.err(f"csv/{module}.csv: record {rec.get('id')} does not round-trip: "
                     f"json {rec} csv {back}")

    def same(self, j, c):
        """JSON value j equals CSV-rebuilt value c (strings, null, objects)."""
        if isinstance(j, dict):
            return isinstance(c, dict) and set(j) == set(c) and all(self.same(j[k], c[k]) for k in j)
        if j is None:
            return c is None
        if isinstance(j, str):
            if j == "":
                self.err("an empty string in JSON (ambiguous with null in CSV)")
            return c == j
        if isinstance(j, bool):
            return c == ("true" if j else "false")
        if isinstance(j, int):
            return c is not None and re.fullmatch(r"-?[0-9]+", c) is not None and int(c) == j
        if isinstance(j, float):
            return (c is not None and not j.is_integer() and c == repr(j)
                    and re.fullmatch(r"-?[0-9]+\.[0-9]+", c) is not None and float(c) == j)
        return False

    def check_record_common(self, module, rec, state):
        rid = rec.get("id")
        if not (isinstance(rid, str) and len(rid) == 19 and rid.isdigit()
                and rid.startswith(ID_PREFIX[module])):
            self.err(f"{module}: bad id {rid!r}")
            return
        if state.get("last_id") and rid <= state["last_id"]:
            self.err(f"{module}: ids not increasing at {rid}")
        state["last_id"] = rid
        o = rec.get("Owner")
        if not (isinstance(o, dict) and set(o) == {"name", "id", "email"}):
            self.err(f"{module} {rid}: Owner {o!r}")
        ct, mt = rec.get("Created_Time"), rec.get("Modified_Time")
        for t in (ct, mt):
            if not (isinstance(t, str) and TIME_RE.fullmatch(t)):
                self.err(f"{module} {rid}: time {t!r}")
        if isinstance(ct, str) and isinstance(mt, str) and not (ct <= mt <= BASE_TS):
            self.err(f"{module} {rid}: Created {ct} / Modified {mt} out of order")

    def check_module(self, module, have_json, have_csv):
        st = {}
        n = 0
        cnt = Counter()
        emails = set()
        skus = {}
        per_account = Counter()
        names_norm = Counter()
        typed = have_json
        for rec in self.records(module, have_json, have_csv):
            n += 1
            self.check_record_common(module, rec, st)
            if module == "Accounts":
                name = rec["Account_Name"]
                self.acct[rec["id"]] = hash(name)
                self.acct_raw[hash(name)] += 1
                nn = norm(name)
                hn = hash(nn)
                self.acct_norm[hn] += 1
                ex = self.acct_norm_examples.get(hn)
                if ex is None:
                    self.acct_norm_examples[hn] = name
                elif isinstance(ex, str):
                    self.acct_norm_examples[hn] = [ex, name]
                hs = hash(norm(strip_accents(name)))
                first = self.acct_strip.get(hs)
                if first is None:
                    self.acct_strip[hs] = hn
                    if len(self.strip_name) < 100000:
                        self.strip_name[hs] = name
                elif first != hn:
                    self.acct_near.add(hs)
                    if hs in self.strip_name and len(self.near_examples) < 6:
                        self.near_examples.append((self.strip_name[hs], name))
                if any(ord(c) > 127 for c in name):
                    cnt["unicode"] += 1
                if rec["Industry"] == "Retail":
                    cnt["retail"] += 1
                if rec["Description"] and any(c in rec["Description"] for c in ',"\n'):
                    cnt["desc_quoted"] += 1
                p = rec["Parent_Account"]
                if p is not None:
                    cnt["parent"] += 1
                    if self.acct.get(p["id"]) != hash(p["name"]):
                        self.err(f"Accounts {rec['id']}: Parent_Account {p} not an earlier account")
                if typed:
                    for k in ("Employees", "Annual_Revenue"):
                        if rec[k] is not None and (type(rec[k]) is not int):
                            self.err(f"Accounts {rec['id']}: {k} {rec[k]!r} not an integer")
            elif module == "Contacts":
                e = rec["Email"]
                if e is None or e.lower() in emails:
                    self.err(f"Contacts {rec['id']}: e-mail {e!r} missing or repeated")
                emails.add(e.lower() if e else e)
                acc = rec["Account_Name"]
                if acc is None:
                    cnt["orphans"] += 1
                else:
                    if self.acct.get(acc["id"]) != hash(acc["name"]):
                        self.err(f"Contacts {rec['id']}: Account_Name {acc} does not name an account")
                    per_account[acc["id"]] += 1
                if not rec["Last_Name"]:
                    self.err(f"Contacts {rec['id']}: no Last_Name")
                if rec["First_Name"] is None:
                    cnt["no_first_name"] += 1
                if typed and type(rec["Email_Opt_Out"]) is not bool:
                    self.err(f"Contacts {rec['id']}: Email_Opt_Out not a boolean")
            elif module == "Products":
                sku = rec["Product_Code"]
                if sku in skus:
                    self.err(f"Products {rec['id']}: Product_Code {sku} repeated")
                skus[sku] = rec["Product_Name"]
                names_norm[rec["Product_Name"]] += 1
                cnt["cat:" + str(rec["Product_Category"])] += 1
                if typed:
                    up = rec["Unit_Price"]
                    if type(up) not in (int, float) or round(up, 2) != up:
                        self.err(f"Products {rec['id']}: Unit_Price {up!r}")
                    if rec["Product_Active"] is not True:
                        self.err(f"Products {rec['id']}: Product_Active not true")
                v = rec["Vendor_Name"]
                if v is not None and self.vendor_names.get(v["id"]) != v["name"]:
                    self.err(f"Products {rec['id']}: Vendor_Name {v} does not name a vendor")
            elif module == "Vendors":
                nm = rec["Vendor_Name"]
                self.vendor_names[rec["id"]] = nm
                self.vendor_raw.add(nm)
                hn = norm(nm)
                if hn in self.vendor_norm:
                    self.err(f"Vendors {rec['id']}: name {nm!r} repeats another vendor's")
                self.vendor_norm.add(hn)
        msg = f"{module}: {n} records"
        if module == "Accounts":
            groups = Counter(v for v in self.acct_norm.values() if v > 1)
            in_groups = sum(k * v for k, v in groups.items())
            raw_dups = sum(1 for v in self.acct_raw.values() if v > 1)
            near = len(self.acct_near)
            if raw_dups:
                self.err(f"Accounts: {raw_dups} names repeated byte for byte")
            if any(k > 2 for k in groups):
                self.err(f"Accounts: normalised collision groups larger than 2: {dict(groups)}")
            msg += (f"; {sum(groups.values())} pairs of names equal after normalisation "
                    f"({in_groups} names, {100.0 * in_groups / max(n, 1):.1f} %); "
                    f"{near} near-miss pairs (equal only without accents); "
                    f"{cnt['unicode']} non-ASCII names; {cnt['retail']} Retail (view); "
                    f"{cnt['parent']} with Parent_Account; {cnt['desc_quoted']} descriptions with , \" or newline")
            ex = [v for v in self.acct_norm_examples.values() if isinstance(v, list)]
            for pair in ex[:12]:
                self.note("  collides: " + "  ==  ".join(show(x) for x in pair))
            for pair in self.near_examples:
                self.note("  near miss (not equal): " + "  !=  ".join(show(x) for x in pair))
            self.n_retail = cnt["retail"]
        elif module == "Contacts":
            dist = Counter(per_account.values())
            dist[0] = len(self.acct) - len(per_account)
            msg += (f"; {cnt['orphans']} orphans (no Account_Name); per account "
                    f"{dict(sorted(dist.items()))}; {cnt['no_first_name']} without First_Name; "
                    f"e-mails unique")
            if max(dist) > 8:
                self.err("Contacts: an account with more than 8 contacts")
        elif module == "Products":
            same = sum(1 for v in names_norm.values() if v > 1)
            msg += (f"; {same} names shared by products with different codes; codes unique; "
                    f"categories {dict(sorted((k[4:], v) for k, v in cnt.items()))}")
            self.skus = skus
            self.product_name_set = set(names_norm)
        elif module == "Vendors":
            msg += "; names unique after normalisation"
        self.note(msg)

    def check_cross(self, views):
        overlap = [v for v in self.vendor_norm if hash(v) in self.acct_norm]
        if overlap:
            self.err(f"vendor names equal to account names: {overlap[:5]}")
        if views != VIEWS:
            self.err("crm/views.json: unexpected content")
        elif not getattr(self, "n_retail", 0) and self.acct:
            self.err("crm/views.json: the Retail view selects no account")

    def check_finance(self):
        rel = "finance/books/contacts.json"
        kinds = Counter()
        ids = set()
        for c in self.iter_json(rel):
            cid = c.get("contact_id")
            if not (isinstance(cid, str) and len(cid) == 15 and cid.isdigit()) or cid in ids:
                self.err(f"{rel}: contact_id {cid!r}")
            ids.add(cid)
            t = c.get("contact_type")
            name = c.get("contact_name")
            if t == "customer":
                if c.get("customer_sub_type") != "business" or c.get("status") != "active":
                    self.err(f"{rel}: {cid}: customer_sub_type/status")
                if self.acct_raw.get(hash(name)):
                    kinds["customer: same name as a CRM account"] += 1
                elif self.acct_norm.get(hash(norm(name))):
                    kinds["customer: same name after normalisation"] += 1
                elif hash(norm(strip_accents(name))) in self.acct_strip:
                    kinds["customer: near miss (same only without accents)"] += 1
                else:
                    kinds["customer: no CRM account"] += 1
            elif t == "vendor":
                if name in self.vendor_raw:
                    kinds["vendor: same name as a CRM vendor"] += 1
                elif norm(name) in self.vendor_norm:
                    kinds["vendor: same name after normalisation"] += 1
                else:
                    kinds["vendor: no CRM vendor"] += 1
            else:
                self.err(f"{rel}: {cid}: contact_type {t!r}")
        self.note(f"{rel}: " + "; ".join(f"{v} {k}" for k, v in sorted(kinds.items())))
        rel = "finance/books/items.json"
        kinds = Counter()
        for it in self.iter_json(rel):
            name, sku = it.get("name"), it.get("sku")
            if not isinstance(it.get("rate"), (int, float)) or it.get("product_type") not in ("goods", "service"):
                self.err(f"{rel}: {it.get('item_id')}: rate/product_type")
            skus = getattr(self, "skus", {})
            if sku in skus and skus[sku] == name:
                kinds["same name and SKU as a CRM product"] += 1
            elif sku in skus:
                kinds["same SKU, other name"] += 1
            elif name in getattr(self, "product_name_set", ()):
                kinds["same name, other SKU"] += 1
            else:
                kinds["no CRM product"] += 1
        self.note(f"{rel}: " + "; ".join(f"{v} {k}" for k, v in sorted(kinds.items())))

    def report(self):
        if getattr(self, "roundtrips", 0):
            self.note(f"CSV round trip: {self.roundtrips} rows equal their JSON records")
        if self.errors:
            for e in self.errors:
                print("check: ERROR: " + e, file=sys.stderr)
            print(f"check: FAILED ({len(self.errors)} errors)", file=sys.stderr)
            return 1
        print("check: OK", file=sys.stderr)
        return 0


TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+05:30")
BASE_TS = ts(0)


# --------------------------------------------------------------------------

def main(argv):
    p = argparse.ArgumentParser(
        prog="gen-fixtures.py",
        description="Generate finsync-sandbox seed fixtures (Zoho CRM records, CSV exports, "
                    "existing finance records), or --check a seed folder.")
    p.add_argument("--accounts", metavar="N", type=int, help="CRM accounts (required unless --check)")
    p.add_argument("--seed", metavar="S", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--out", metavar="DIR", default="var/fixtures",
                   help="output folder (default var/fixtures, which git ignores)")
    p.add_argument("--format", choices=("api", "csv", "both"), default="api",
                   help="api: crm/<Module>.json; csv: csv/<Module>.csv; both (default api)")
    p.add_argument("--contacts-per-account", metavar="F", type=float, default=1.5,
                   help="mean contacts per account, 0-4 each (default 1.5)")
    p.add_argument("--orphan-contacts", metavar="N", type=int, help="contacts with no account (default 5%% of accounts)")
    p.add_argument("--products", metavar="N", type=int, help="CRM products (default max(10, accounts/20))")
    p.add_argument("--vendors", metavar="N", type=int, help="CRM vendors (default max(5, accounts/100))")
    p.add_argument("--finance-existing", metavar="N", type=int,
                   help="existing finance customers (default 2%% of accounts): 2/3 match a CRM "
                        "account's name, exactly or after normalisation; 1/3 do not")
    p.add_argument("--finance-vendors", metavar="N", type=int,
                   help="existing finance vendors matching CRM vendors (default 10%% of vendors, at least 1)")
    p.add_argument("--finance-items", metavar="N", type=int, default=4,
                   help="existing finance items, cycling: same name+SKU as a product, same name "
                        "other SKU, same SKU other name, finance only (default 4)")
    p.add_argument("--collision-rate", metavar="F", type=float, default=0.015,
                   help="share of accounts whose name is a variant of an earlier account's, equal "
                        "after normalisation (default 0.015, so ~3%% of names collide); a fifth of "
                        "that again are accent-stripped near misses")
    p.add_argument("--same-name-rate", metavar="F", type=float, default=0.05,
                   help="share of products that reuse an earlier product's name (default 0.05)")
    p.add_argument("--check", metavar="DIR", help="validate a seed folder instead of generating")
    a = p.parse_args(argv)
    if a.check:
        return Checker(a.check).run()
    if a.accounts is None or a.accounts < 0:
        p.error("--accounts N is required (N >= 0)")
    if a.orphan_contacts is None:
        a.orphan_contacts = round(a.accounts * 0.05)
    if a.products is None:
        a.products = max(10, a.accounts // 20)
    if a.vendors is None:
        a.vendors = max(5, a.accounts // 100)
    if a.finance_existing is None:
        a.finance_existing = round(a.accounts * 0.02)
    if a.finance_vendors is None:
        a.finance_vendors = max(1, round(a.vendors * 0.1)) if a.vendors else 0
    for k in ("orphan_contacts", "products", "vendors", "finance_existing", "finance_vendors",
              "finance_items"):
        if getattr(a, k) < 0:
            p.error(f"--{k.replace('_', '-')} must be >= 0")
    if not 0 <= a.contacts_per_account <= 4:
        p.error("--contacts-per-account must be between 0 and 4")
    if not 0 <= a.collision_rate <= 0.5 or not 0 <= a.same_name_rate <= 0.5:
        p.error("rates must be between 0 and 0.5")
    generate(a)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
