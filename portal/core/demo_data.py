"""The fixed parts of the demo portfolio: its location tree, street and people names.

Cities and ZIP codes are real places; the communities, streets and people are made up. Phone numbers use the
555-01xx range, reserved for fiction, and e-mail addresses the example.com domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    city: str
    state: str
    postal_code: str
    area_code: str


@dataclass(frozen=True)
class Node:
    key: str  # becomes the external id: DEMO-<key>
    kind: str
    name: str
    abbreviation: str = ""
    place: Place | None = None
    address: str = ""
    children: tuple[Node, ...] = field(default=())


PFLUGERVILLE = Place("Pflugerville", "TX", "78660", "512")
ROUND_ROCK = Place("Round Rock", "TX", "78665", "512")
FRISCO = Place("Frisco", "TX", "75034", "469")
FORT_WORTH = Place("Fort Worth", "TX", "76244", "817")
RIVERVIEW = Place("Riverview", "FL", "33578", "813")
WINTER_GARDEN = Place("Winter Garden", "FL", "34787", "407")


def _community(key: str, name: str, place: Place, hoods: tuple[str, str], prop: tuple[str, str] | None) -> Node:
    neighborhoods = []
    for n, hood in enumerate(hoods, start=1):
        building = ()
        if prop is not None and n == 1:
            building = (Node(f"{key}-P", "property", prop[0], place=place, address=prop[1]),)
        neighborhoods.append(Node(f"{key}-N{n}", "neighborhood", hood, place=place, children=building))
    return Node(key, "master_community", name, place=place, children=tuple(neighborhoods))


TREE: tuple[Node, ...] = (
    Node("TX", "region", "Texas", "TX", children=(
        Node("TX-AUS", "division", "Austin", "AUS", children=(
            _community("TX-AUS-PH", "Pecan Hollow", PFLUGERVILLE, ("The Groves", "Mesquite Bend"),
                       ("The Residences at Pecan Hollow", "1400 Wells Branch Pkwy")),
            _community("TX-AUS-BC", "Brushy Creek Ranch", ROUND_ROCK, ("Limestone Ridge", "Cypress Meadows"), None),
        )),
        Node("TX-DFW", "division", "Dallas–Fort Worth", "DFW", children=(
            _community("TX-DFW-PC", "Prairie Crossing", FRISCO, ("Bluebonnet Park", "Stonebrook"),
                       ("Frisco Station Lofts", "6500 Warren Pkwy")),
            _community("TX-DFW-TO", "Trinity Oaks", FORT_WORTH, ("Heritage Trace", "Post Oak Village"), None),
        )),
    )),
    Node("FL", "region", "Florida", "FL", children=(
        Node("FL-TPA", "division", "Tampa Bay", "TPA", children=(
            _community("FL-TPA-BL", "Bayshore Landing", RIVERVIEW, ("Mangrove Point", "Heron Cove"),
                       ("Bayshore Flats", "11020 Big Bend Rd")),
        )),
        Node("FL-ORL", "division", "Orlando", "ORL", children=(
            _community("FL-ORL-LR", "Lakeside Reserve", WINTER_GARDEN, ("Citrus Grove", "Palmetto Shores"), None),
        )),
    )),
)

STREETS = (
    "Oak Hollow", "Cedar Elm", "Live Oak", "Bluebonnet", "Mockingbird", "Sycamore", "Willow Bend", "Pecan Grove",
    "Prairie Rose", "Magnolia", "Red Bud", "Hackberry", "Juniper", "Sagebrush", "Cypress", "Palmetto", "Heron",
    "Egret", "Sandpiper", "Mangrove", "Orange Blossom", "Lakeview", "Sunset Ridge", "Stone Creek", "Fox Run",
    "Meadowlark", "Indian Blanket", "Wild Plum", "Chisholm Trail", "Blackjack Oak", "Lantana", "Agarita",
)
SUFFIXES = ("Dr", "Ln", "Ct", "Way", "Trl", "Cv", "Pl", "Loop", "St", "Cir")
FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William",
    "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen", "Daniel", "Lisa",
    "Matthew", "Nancy", "Anthony", "Sandra", "Mark", "Ashley", "Luis", "Emily", "Steven", "Michelle", "Andrew",
    "Amanda", "Joshua", "Melissa", "Kevin", "Stephanie", "Brian", "Rebecca", "Jorge", "Laura", "Priya", "Mei",
    "Omar", "Fatima", "Hiroshi", "Aisha", "Diego", "Sofia", "Nguyen", "Grace", "Ethan", "Olivia", "Noah", "Ava",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
    "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker",
    "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Kim", "Chen", "Okafor", "Singh",
)
