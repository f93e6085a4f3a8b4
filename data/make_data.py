"""Generate the course's offline stand-ins for GLUE MRPC and SST-2.

Writes data/mrpc/{train,validation,test}.parquet and data/sst2/... plus a
datasheet (README.md) for each. Deterministic: the same seed gives
byte-identical files. Uses only the standard library and `datasets`.

    python data/make_data.py
"""

import random
import re
from collections import Counter
from pathlib import Path

import datasets
from datasets import ClassLabel, Dataset, Features, Value

SEED = 42
DATA_DIR = Path(__file__).resolve().parent

# Split sizes and label counts. MRPC uses the real GLUE MRPC counts of
# equivalent pairs (about 68 %); SST-2 is balanced, with the real validation
# balance (444 positive / 428 negative).
MRPC_SPLITS = {  # split: (rows, equivalent rows); train is larger than GLUE's 3,668 (see datasheet)
    "train": (8000, 5440),
    "validation": (408, 279),
    "test": (1725, 1147),
}
SST2_SPLITS = {  # split: (rows, positive rows)
    "train": (6000, 3000),
    "validation": (872, 444),
    "test": (1821, 911),
}

MRPC_FEATURES = Features({
    "sentence1": Value("string"),
    "sentence2": Value("string"),
    "label": ClassLabel(names=["not_equivalent", "equivalent"]),
    "idx": Value("int32"),
})
SST2_FEATURES = Features({
    "sentence": Value("string"),
    "label": ClassLabel(names=["negative", "positive"]),
    "idx": Value("int32"),
})


def words(text):
    """Split a whitespace-separated vocabulary string into a list."""
    return text.split()


def phrases(text):
    """Split a '|'-separated vocabulary string into a list of phrases."""
    return [p.strip() for p in text.split("|") if p.strip()]


# ---------------------------------------------------------------------------
# Shared vocabulary: names and places (used by both datasets).
# ---------------------------------------------------------------------------

FIRST_NAMES = words("""
James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William
Barbara Richard Susan Joseph Jessica Sarah Charles Karen Daniel Lisa Matthew
Nancy Anthony Betty Mark Sandra Donald Margaret Steven Ashley Paul Kimberly
Andrew Emily Joshua Donna Kenneth Michelle Kevin Carol Brian Amanda George
Melissa Timothy Deborah Ronald Stephanie Jason Rebecca Edward Laura Jeffrey
Helen Ryan Sharon Jacob Cynthia Gary Kathleen Nicholas Amy Eric Angela Jonathan
Shirley Stephen Anna Larry Ruth Justin Brenda Scott Pamela Brandon Nicole
Benjamin Katherine Samuel Virginia Gregory Catherine Alexander Christine
Patrick Samantha Frank Debra Raymond Janet Jack Rachel Dennis Carolyn Jerry Emma
Tyler Maria Aaron Heather Henry Diane Douglas Julie Peter Joyce Adam Evelyn
Nathan Victoria Zachary Walter Christina Kyle Lauren Harold Joan Carl Olivia
Arthur Judith Gerald Megan Roger Cheryl Keith Andrea Jeremy Hannah Lawrence
Jacqueline Sean Martha Christian Gloria Ethan Teresa Austin Sara Janice Albert
Marie Jesse Julia Willie Kathryn Billy Grace Bruce Judy Noah Theresa Madison
Dylan Beverly Ralph Denise Roy Marilyn Alan Amber Wayne Danielle Eugene Abigail
Juan Brittany Gabriel Louis Diana Natalie Randy Sophia Vincent Alexis Philip
Lori Logan Kayla Bobby Jane Harry Priya Rahul Ananya Arjun Wei Mei Hiroshi Yuki
Kenji Aiko Olumide Chidi Amara Kwame Fatima Omar Layla Yusuf Ines Mateo Lucia
Diego Sofia Javier Camila Pierre Amelie Lars Ingrid Sven Astrid Dmitri Olga
Nikolai Katya Giulia Marco Francesca Luca Bram Anouk Tomasz Agnieszka Emre Elif
Siddharth Deepa Hamid Nadia Tariq Zainab Joao Beatriz Rafael Mariana Thandiwe
Sipho Ngozi Babajide Leilani Kai Anahera Tane Mirela Bogdan Sanna Eero
Gwendolyn Percival Ottoline Cornelius Bartholomew Evangeline Leopold Rosalind
Thaddeus Wilhelmina Ignatius Philippa Augustin Clementine Barnaby Imogen
Desmond Henrietta Florian Marguerite Casimir Odette Lucian Seraphina Emeric
Hyacinth Alistair Delphine Ambrose Cordelia Ezekiel Josephine Malachi
Ottilie Rupert Winifred Quentin Beatrix Horatio Millicent Fergus Oona
Anselm Rosamund Caspar Perpetua Dashiell Marisol Esteban Valentina Ignacio
Renata Gonzalo Ximena Joaquin Paloma Anders Freya Bjorn Solveig Jarek
Zofia Radek Milena Stanislav Irena Goran Vesna Arvid Liv Taavi Kirsi
""")

LAST_NAMES = words("""
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
Hernandez Lopez Gonzalez Wilson Anderson Taylor Moore Jackson Martin Lee Perez
Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen
King Wright Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera
Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz
Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz
Morgan Cooper Peterson Bailey Reed Howard Ramos Kim Cox Ward Richardson Watson
Brooks Chavez Wood Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo
Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Sullivan
Bell Coleman Butler Henderson Barnes Fisher Vasquez Simmons Romero Patterson
Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera
Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens
Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Chen Freeman
Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez
Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black
Robertson Boyd Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels
Ferguson Nichols Stephens Soto Weaver Gardner Payne Grant Dunn Kowalski
Nakamura Tanaka Suzuki Yamamoto Watanabe Okafor Adeyemi Mensah Haddad Khalil
Rahman Sharma Gupta Iyer Reddy Chowdhury Novak Horvath Dubois Lefebvre Moreau
Rossi Bianchi Romano Esposito Muller Schneider Fischer Weber Becker Hoffmann
Jansen Visser Bakker Lindqvist Johansson Eriksson Nilsson Hansen Larsen Petrov
Ivanova Volkov Popescu Yilmaz Demir Kaya Oliveira Santos Pereira Costa Almeida
Zhang Wang Liu Huang Zhao Park Choi O'Brien O'Connor McAllister Fitzgerald
Abernathy Whitaker Thornbury Blackwood Ashworth Pemberton Castellanos
Delacroix Vanderberg Okonkwo Mwangi Achterberg Szymanski Kovalenko
Hargreaves Winterbottom Featherstone Cavendish Montgomery Ravensworth
Buckingham Lockhart Kingsley Thistlewood Merriweather Applegate Beaumont
Bellamy Carrington Fairweather Goodwin Hathaway Ingram Kensington Langley
Marlowe Northcott Oakley Prescott Quincy Radcliffe Sherwood Talbot Underwood
Vance Wetherby Yardley Zimmerman Abramowicz Bergstrom Castellano Dimitriou
Esterhazy Fontaine Gallagher Halvorsen Iglesias Jovanovic Kapoor Lindgren
Mazur Nakashima Ostrowski Papadopoulos Quintero Rasmussen Sorensen Takahashi
Urquhart Villanueva Wojcik Yamaguchi Zelenko Obi Nwosu Banerjee Mukherjee
Krishnan Venkatesan Subramanian Hosseini Farouk Aziz Balogun Eze Kariuki
""")

CITIES = phrases("""
Denver | Seattle | Boston | Chicago | Atlanta | Houston | Phoenix | Portland |
Detroit | Cleveland | Pittsburgh | Baltimore | Nashville | Memphis | Milwaukee |
Minneapolis | Sacramento | San Diego | San Antonio | Dallas | Austin | Tulsa |
Omaha | Albuquerque | Tucson | Las Vegas | Salt Lake City | Boise | Anchorage |
Honolulu | Miami | Tampa | Orlando | Charlotte | Raleigh | Richmond |
Philadelphia | Newark | Buffalo | Rochester | Hartford | Providence |
Indianapolis | Columbus | Cincinnati | Louisville | Kansas City | St. Louis |
New Orleans | Birmingham | Toronto | Montreal | Vancouver | Calgary | Ottawa |
Winnipeg | Halifax | London | Manchester | Glasgow | Edinburgh | Dublin |
Cardiff | Paris | Lyon | Marseille | Brussels | Amsterdam | Rotterdam | Berlin |
Hamburg | Munich | Frankfurt | Vienna | Zurich | Geneva | Milan | Rome |
Naples | Madrid | Barcelona | Valencia | Lisbon | Porto | Copenhagen |
Stockholm | Oslo | Helsinki | Warsaw | Krakow | Prague | Budapest | Bucharest |
Athens | Istanbul | Ankara | Cairo | Casablanca | Lagos | Nairobi | Accra |
Johannesburg | Cape Town | Addis Ababa | Dubai | Riyadh | Doha | Tehran |
Karachi | Mumbai | Delhi | Bangalore | Chennai | Kolkata | Dhaka | Colombo |
Bangkok | Hanoi | Jakarta | Manila | Singapore | Kuala Lumpur | Seoul | Busan |
Tokyo | Osaka | Kyoto | Shanghai | Beijing | Shenzhen | Taipei | Sydney |
Melbourne | Brisbane | Perth | Auckland | Wellington | Santiago | Lima |
Bogota | Quito | Caracas | Buenos Aires | Montevideo | Sao Paulo | Recife |
Mexico City | Guadalajara | Monterrey | Havana | Reykjavik | Tallinn | Riga |
Vilnius | Sarajevo | Zagreb | Belgrade | Sofia | Tbilisi | Almaty | Ulaanbaatar |
Marrakesh | Tunis | Kampala | Kigali | Lusaka | Harare | Windhoek | Dakar |
Abidjan | Luanda | Beirut | Amman | Muscat | Kathmandu | Thimphu | Yangon |
Phnom Penh | Vientiane | Ho Chi Minh City | Cebu | Sapporo | Fukuoka |
Nagoya | Chengdu | Wuhan | Guangzhou | Hobart | Darwin | Adelaide |
Christchurch | Valparaiso | Cordoba | Medellin | Cartagena | Asuncion |
La Paz | Antigua | Kingston | San Juan | Nassau | Savannah | Charleston |
Spokane | Fresno | Bakersfield | Des Moines | Wichita | Little Rock
""")

COUNTRIES = phrases("""
Canada | Mexico | Brazil | Argentina | Chile | Peru | Colombia | Venezuela |
Ecuador | Uruguay | Britain | Ireland | France | Germany | Italy | Spain |
Portugal | the Netherlands | Belgium | Switzerland | Austria | Poland | Hungary |
Romania | Greece | Turkey | Sweden | Norway | Finland | Denmark | Iceland |
Estonia | Latvia | Lithuania | Ukraine | Georgia | Kazakhstan | Egypt |
Morocco | Nigeria | Ghana | Kenya | Ethiopia | South Africa | Tanzania |
Uganda | Senegal | Saudi Arabia | Qatar | Jordan | Iran | Pakistan | India |
Bangladesh | Sri Lanka | Nepal | Thailand | Vietnam | Indonesia | Malaysia |
the Philippines | Singapore | South Korea | Japan | China | Taiwan | Mongolia |
Australia | New Zealand | Fiji | Cuba | Jamaica | Panama | Costa Rica |
Guatemala | Bolivia | Paraguay | Algeria | Tunisia | Zambia | Mozambique |
Namibia | Botswana | Rwanda | Cameroon | Madagascar | Oman | Lebanon |
Cambodia | Laos | Myanmar | Bhutan | Slovenia | Croatia | Serbia |
Bulgaria | Slovakia | Luxembourg | Malta | Cyprus | Armenia | Azerbaijan |
Uzbekistan | Honduras | Nicaragua | the Dominican Republic | Samoa | Tonga
""")


# ---------------------------------------------------------------------------
# MRPC vocabulary: news-like entities and objects.
# ---------------------------------------------------------------------------

COMPANY_STEMS = words("""
Altavera Brightline Cobalt Dunmore Everstone Fairhaven Granite Harborview
Ironbridge Juniper Keystone Larkspur Meridian Northgate Oakridge Pinnacle
Quantica Redwood Silverline Tidewater Vantage Westbrook Xenon Zenith Ardent
Beacon Cascade Ember Falcon Glacier Horizon Inland Jetstream Kestrel Lumen
Monarch Nimbus Orion Polaris Quarry Ridgeway Summit Titan Upland Vertex Willow
Apex Blueriver Crescent Driftwood Eastfield Frontier Goldleaf Highpoint Ivory
Jadeite Kingsbury Lakeshore Maplewood Novacore Oceanic Peregrine Quillon
Riverside Sterling Trident Ultramar Valiant Wrenfield Axiom Bramble Citadel
Dorado Evergreen Foxglove Greystone Halcyon Insignia Javelin Kinetic Lodestar
Magnolia Nexus Onyx Paragon Quasar Radiant Sapphire Tamarack Unison Verity
Whitfield Yarrow Zephyr Amberly Bellweather Corvana Dynamo Elmhurst Fenwick
Galvanix Hollister Isotope Kelvara Lumora Mosaic Norwood Opaline Prism Qorvex
Rampart Solace Tessera Umbria Velora Wexford Zircon Auralis Braxton Calloway
Arcturus Bluefin Copperhead Dovetail Emberly Flintlock Goldcrest Hawthorne
Ironwood Jasper Kittering Lanternfish Millbrook Nightingale Overbrook
Pinecrest Quicksilver Rosewood Saltmarsh Thornfield Underhill Vireo
Westmarch Yellowfin Ashgrove Birchwood Clearwater Deepwell Eaglecrest
Foxhollow Greenmantle Heathrow Inkwell Jubilee Kingfisher Lightwell
Moonstone Nettlefield Oxbow Pebblebrook Quayside Rookery Starling Tinderbox
""")

COMPANY_SUFFIXES = phrases("""
Inc. | Corp. | Group | Holdings | Systems | Technologies | Labs | Industries |
Energy | Pharmaceuticals | Motors | Networks | Financial | Foods | Airlines |
Logistics | Robotics | Semiconductor | Media | Capital | Therapeutics | Retail |
Mining | Telecom | Software | Biosciences | Partners | Aerospace | Chemicals
""")


REGIONS = phrases("""
the Gulf Coast | southern Florida | the Carolinas | the Yucatan Peninsula |
northern Luzon | Okinawa | eastern Taiwan | the Bay of Bengal coast |
western Australia | the Outer Banks | Puerto Rico | the Texas coast |
the Pacific Northwest | coastal Maine | the Scottish Highlands |
northern Vietnam | the Hokkaido coast | the Cayman Islands | Baja California
""")


OFFICES = phrases("""
mayor of {city} | president of {country} | governor of {region} |
senator for {region} | district attorney in {city}
""")


# ---------------------------------------------------------------------------
# MRPC generation.
# ---------------------------------------------------------------------------

def person(r):
    """A full person name, e.g. 'Amara Okafor'."""
    return f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}"


def company(r):
    """A fictional company name, e.g. 'Kestrel Robotics'."""
    return f"{r.choice(COMPANY_STEMS)} {r.choice(COMPANY_SUFFIXES)}"


def percent(r):
    """A percentage such as '4.7 percent'."""
    return f"{r.randint(1, 38)}.{r.randint(0, 9)} percent"


def count(r, low=120, high=48000):
    """A comma-formatted count."""
    return f"{r.randint(low, high):,}"


def article(phrase):
    """Prefix 'a' or 'an' to a phrase."""
    return ("an " if phrase[0].lower() in "aeiou" else "a ") + phrase


def office(r):
    """An elected office, e.g. 'mayor of Lisbon'."""
    return r.choice(OFFICES).format(city=r.choice(CITIES),
                                    country=r.choice(COUNTRIES),
                                    region=r.choice(REGIONS))


# MRPC pairs are short trade-news sentences: "<company> <verb> <number> <goods>
# in <city>." Each slot draws from a pool small enough that every value recurs
# many times; a tiny model trained from scratch only learns to compare two
# segments when the tokens are frequent and the sentences short (see datasheet).
VERB_CLASSES = [  # synonyms whose past tense is also the participle
    ("bought", "acquired", "purchased"),
    ("sold", "offloaded", "auctioned"),
    ("shipped", "delivered", "sent"),
    ("ordered", "requested", "booked"),
    ("stored", "stockpiled", "warehoused"),
    ("inspected", "examined", "checked"),
]
GOODS = words("""cotton copper coffee timber grain sugar rubber silver steel glass paper
wool cocoa rice tea zinc nickel salt corn wheat""")
CONTAINERS = words("shipments crates containers pallets")
FORMS = [
    "{S} {V} {N} {O} in {P}.",
    "In {P}, {S} {V} {N} {O}.",
    "{N} {O} were {V} by {S} in {P}.",
    "In {P}, {N} {O} were {V} by {S}.",
]


def capitalize(text):
    """Upper-case the first character only."""
    return text[:1].upper() + text[1:]


def mrpc_pools(r):
    """The fixed pools of companies, goods and cities the pairs draw from."""
    companies = set()
    while len(companies) < 60:
        companies.add(company(r))
    goods = [f"{g} {c}" for g in GOODS for c in CONTAINERS]
    return sorted(companies), goods, r.sample(CITIES, 30)


def draw_event(r, pools):
    """One trade event: company, verb class, number, goods and city."""
    companies, goods, cities = pools
    return {"S": r.choice(companies), "N": str(r.randint(2, 99)), "O": r.choice(goods),
            "P": r.choice(cities), "verbs": r.choice(VERB_CLASSES)}


def render(r, event):
    """The event as one sentence, in a random form with a random synonym."""
    slots = {k: v for k, v in event.items() if k != "verbs"}
    return capitalize(r.choice(FORMS).format(V=r.choice(event["verbs"]), **slots))


def mrpc_pair(r, pools, equivalent):
    """Make one (sentence1, sentence2) pair with the given label."""
    event = draw_event(r, pools)
    s1 = render(r, event)
    if equivalent:  # the same event re-worded: another form and/or a synonym
        while True:
            s2 = render(r, event)
            if s2 != s1:
                return s1, s2
    # Another event: every slot and the verb class differ (big contrasts on purpose).
    while True:
        other = draw_event(r, pools)
        if all(other[k] != event[k] for k in ("S", "N", "O", "P", "verbs")):
            return s1, render(r, other)


def make_mrpc(r):
    """Build the three MRPC splits; no sentence appears twice anywhere."""
    pools = mrpc_pools(r)
    seen = set()
    splits = {}
    for split, (n_rows, n_pos) in MRPC_SPLITS.items():
        labels = [1] * n_pos + [0] * (n_rows - n_pos)
        r.shuffle(labels)
        rows = {"sentence1": [], "sentence2": [], "label": [], "idx": []}
        for i, label in enumerate(labels):
            while True:
                s1, s2 = mrpc_pair(r, pools, equivalent=bool(label))
                if s1 not in seen and s2 not in seen and s1 != s2:
                    break
            seen.update((s1, s2))
            rows["sentence1"].append(s1)
            rows["sentence2"].append(s2)
            rows["label"].append(label)
            rows["idx"].append(i)
        splits[split] = rows
    return splits


# ---------------------------------------------------------------------------
# SST-2 vocabulary: sentiment cues and neutral filler.
# ---------------------------------------------------------------------------

POS_ADJ = phrases("""
dazzling | heartfelt | charming | gorgeous | witty | moving | riveting |
exhilarating | luminous | tender | hilarious | masterful | poignant |
inventive | thrilling | delightful | breathtaking | sublime | engrossing |
gripping | radiant | spellbinding | exquisite | soulful | affecting |
uplifting | buoyant | captivating | sparkling | vibrant | stirring |
compelling | beautiful | wonderful | brilliant | superb | terrific |
marvelous | enchanting | joyous | funny | smart | clever | assured | graceful |
elegant | lovely | touching | absorbing | refreshing | ingenious | wise |
warm | sharp | confident | lyrical | mesmerizing | irresistible | crackling |
playful | rousing | triumphant | remarkable | memorable | resonant |
nuanced | polished | accomplished | fearless | audacious | exuberant |
satisfying | entertaining | enjoyable | fascinating | intelligent |
heartwarming | sensational | spectacular | stunning | vivid | transcendent |
life-affirming | crowd-pleasing | well-crafted | sharp-witted | big-hearted |
razor-sharp | deeply felt | beautifully acted | gloriously entertaining |
thoughtful | invigorating | ravishing | sumptuous | wry | zesty | dynamic |
energetic | handsome | winning | likable | gentle | charismatic | vital |
dazzlingly original | wickedly funny | achingly beautiful | jubilant |
sparkling-eyed | magnificent | majestic | scintillating | shimmering |
tremendous | first-rate | top-notch | virtuosic | unforgettable |
electrifying | arresting | hypnotic | sprightly | ebullient | tenderhearted
""")

NEG_ADJ = phrases("""
tedious | dull | bland | lifeless | clumsy | incoherent | tiresome | boring |
plodding | sluggish | shallow | muddled | pointless | lazy | stale |
hackneyed | cliched | predictable | forgettable | insufferable | grating |
leaden | listless | joyless | dreary | soulless | mediocre | awful |
dreadful | terrible | ugly | amateurish | overlong | bloated | pretentious |
derivative | limp | unfunny | witless | charmless | labored | turgid |
sloppy | messy | wretched | inept | disjointed | meandering | vapid |
mind-numbing | by-the-numbers | half-baked | ham-fisted | overwrought |
shrill | tone-deaf | cheap | tacky | lumbering | monotonous | unwatchable |
uninspired | misguided | confused | tired | trite | banal | insipid |
annoying | painful | exhausting | irritating | cynical | contrived |
mawkish | stilted | wooden | humorless | pedestrian | sour | murky |
interminable | excruciating | lousy | miserable | embarrassing | ridiculous |
pompous | sterile | flimsy | choppy | garish | shoddy | laughable | drab |
heavy-handed | dim-witted | ponderous | lackluster | sleep-inducing |
third-rate | slapdash | threadbare | clunky | stodgy | soggy | hokey |
cringeworthy | tin-eared | lumpen | aimless | feeble | dismal | abysmal |
atrocious | ghastly | lamentable | noxious | obnoxious | nauseating
""")

POS_NOUN = phrases("""
a triumph | a gem | a delight | a treat | a marvel | a knockout |
a tour de force | a masterpiece | a joy | a revelation | a small miracle |
a pleasure | a winner | a crowd-pleaser | a feast for the eyes |
a breath of fresh air | a minor classic | an instant favorite |
a showstopper | a wonder | a total blast | a real charmer
""")

NEG_NOUN = phrases("""
a mess | a slog | a chore | a disaster | a misfire | a dud | a letdown |
a bore | a trainwreck | an ordeal | a waste of time | a washout | a fiasco |
a flop | an embarrassment | a muddle | a snooze | a shambles | a headache |
a botch | a turkey | a dreary grind
""")

POS_VP = phrases("""
will leave you grinning | earns every minute of its running time |
sweeps you off your feet | rewards patient viewers |
makes you laugh out loud | keeps you on the edge of your seat |
lingers long after the credits roll | soars | sings |
delivers on every promise | wins you over | sparkles from start to finish |
grabs you from the first frame | builds to a glorious finale |
finds real poetry in small moments | is worth every penny |
deserves a huge audience | glows with warmth | hums with energy |
leaves the audience cheering
""")

NEG_VP = phrases("""
wastes a talented cast | drags on forever | falls apart in the third act |
collapses under its own weight | overstays its welcome |
squanders its premise | grinds to a halt | puts you to sleep |
fizzles out | stumbles from scene to scene |
leaves you checking your watch | buries its best ideas |
feels twice as long as it is | sinks like a stone |
insults the audience | plays like a rough draft |
crawls toward a silly finale | smothers every joke |
leaves the audience groaning | bores you to tears
""")

INTENSIFIERS = words("""
utterly thoroughly remarkably consistently genuinely truly wholly
frequently often surprisingly relentlessly endlessly simply quite
""")

# Singular, so that "{aspect} is ..." always agrees.
ASPECTS = phrases("""
the central performance | the script | the screenplay | the cinematography |
the score | the editing | the dialogue | the pacing | the ending |
the third act | the lead performance | the production design |
the creature design | the soundtrack | the direction | the humor |
the plot | the visual style | the costume design | the ensemble cast |
the camerawork | the chemistry between the leads | the opening sequence |
the final twist | the action staging | the voice acting |
the fight choreography | the makeup work
""")

GENRES = phrases("""
thriller | comedy | drama | romantic comedy | horror film | documentary |
western | musical | war epic | heist movie | coming-of-age story |
science-fiction adventure | period piece | biopic | crime drama |
animated feature | family film | mystery | road movie | sports drama |
satire | melodrama | action picture | psychological thriller |
fantasy epic | courtroom drama | spy caper | disaster movie | noir |
character study | mockumentary | slasher | buddy comedy | space opera |
political thriller | creature feature | ghost story | dance movie
""")

OCCUPATIONS = phrases("""
retired detective | lighthouse keeper | jazz pianist | truck driver |
high-school chemistry teacher | young lawyer | widowed farmer |
disgraced surgeon | aspiring chef | small-town sheriff | marine biologist |
cab driver | ballet dancer | former boxer | night-shift nurse |
astronaut | stand-up comedian | wedding planner | border guard |
museum curator | beekeeper | hotel concierge | teenage hacker |
war photographer | bank teller | park ranger | retired spy |
struggling novelist | folk singer | mail carrier | ship's cook |
court stenographer | lonely mathematician | ice-cream vendor |
rookie firefighter | veterinarian | architect | crossword editor |
translator | tailor | clockmaker | school janitor | rodeo clown |
submarine captain | cartographer | glassblower | hospice chaplain |
puppeteer | falconer | sommelier | locksmith | taxidermist | stuntwoman |
orchestra conductor | radio host | forensic accountant | shepherd |
circus acrobat | snowplow driver | antiques dealer | diplomat's widow |
undercover journalist | carpenter | pastry chef | mountain guide
""")

PLOT_ACTIONS = phrases("""
returns home to settle a family debt | falls for a rival chef |
hunts a stolen painting across {country} | inherits a crumbling hotel |
befriends a runaway robot | witnesses a murder on a night train |
tries to win back an estranged daughter | joins a traveling circus |
plans one last bank job | discovers a map hidden in a piano |
coaches a hopeless youth soccer team | wakes up twenty years in the future |
is stranded on an island with a stranger |
searches for a missing brother in {city} |
runs for mayor against a billionaire |
smuggles refugees over the mountains | enters a baking competition |
investigates a cult in the desert | restores a vintage motorcycle |
takes a road trip to {city} with a grumpy grandfather |
reunites a band after thirty years | adopts a three-legged dog |
uncovers corruption at a chemical plant |
swaps lives with a movie star | guards a mysterious suitcase |
teaches chess to prison inmates | chases a tornado across Kansas |
sails solo around the world | builds a rocket in the backyard |
opens a bookstore in {city} | tracks a serial arsonist |
learns to dance at seventy | defends a teenager accused of arson |
forges paintings for a gangster | climbs a mountain to scatter ashes |
hides a fugitive in the attic | decodes radio signals from space |
kidnaps a famous ventriloquist | rescues horses from a flood |
stages a musical in a mining town | impersonates a dead twin |
hitchhikes across {country} | repairs clocks for a reclusive baroness |
counts birds on a frozen lake | sells encyclopedias door to door
""")

TITLE_ADJ = words("""
Silver Crimson Northern Last Hidden Distant Secret Endless Burning Frozen
Sleeping Iron Paper Glass Velvet Electric Golden Wild Quiet Restless Falling
Midnight Scarlet Amber Painted Floating Eastern Southern Forgotten Borrowed
Wandering Crooked Winter Summer Copper Salt Ivory Marble Lunar Velveteen
Tangled Sunken Whispering Emerald Cobalt Drifting Solitary Vanishing Clockwork
""")

TITLE_NOUNS = words("""
River Harbor Garden Orchard Lantern Mirror Compass Highway Letter Island
Kingdom Tide Ember Echo Frontier Carnival Lighthouse Meadow Horizon Canyon
Violin Typewriter Suitcase Parade Satellite Avalanche Monsoon Harvest Chapel
Vineyard Labyrinth Telegram Caravan Pharaoh Locomotive Archipelago Moth
Sparrow Fox Heron Tangerine Alibi Ballroom Circus Cathedral Blizzard Ferry
Motel Reservoir Quarry Glacier Ransom Verdict Rooftop Pilgrim Nomad Tailor
Almanac Bonfire Cipher Dynasty Equinox Foxhole Gondola Hourglass Icebreaker
Jukebox Kaleidoscope Lullaby Marionette Nocturne Obelisk Periscope Quiver
Rhapsody Scarecrow Trapeze Umbrella Volcano Windmill Zeppelin Aviary Bazaar
""")

YEARS = [str(y) for y in range(1958, 2024)]

# Each template carries the label through one or more cue slots: {A}/{A2} is a
# polar adjective, {NN} a polar noun phrase, {VP} a polar verb phrase. All the
# other slots are neutral filler. No negation is used, so cues are unambiguous.
SST2_TEMPLATES = [
    "{title} is {A} and {A2}.",
    "{aA}, {A2} {genre} about {a_occ} who {plot}.",
    "{actor} gives {aA} performance in this {A2} {genre}.",
    "{Aspect} is {adv} {A}, and {aspect2} is {A2}.",
    "{title} {VP}.",
    "{director}'s latest {genre} is {NN}.",
    "{A_cap} and {A2}, this {genre} {VP}.",
    "The {year} {genre} from {director} is {adv} {A}.",
    "{actor} and {actor2} are {A} as {a_occ} and {a_occ2}.",
    "{title} ({year}): {A}, {A2} and {A3}.",
    "With {aspect} this {A}, {title} {VP}.",
    "{director} directs with {aA} touch, and the result is {NN}.",
    "At {minutes} minutes, this {genre} about {a_occ} feels {A}.",
    "One of the most {A} films of the year, {title} {VP}.",
    "I found {title} {adv} {A}.",
    "Fans of {actor} will find this {genre} {A} and {A2}.",
    "{title}, the story of {a_occ} who {plot}, is {NN}.",
    "It's {NN}, and {actor} is {A} in the lead.",
    "By the final scene, \"{title}\" has proved {A} and {A2}.",
    "{Aspect}: {A}. {Aspect2}: {A2}.",
    "{director} turns the tale of {a_occ} who {plot} into something {A}.",
    "\"{title}\" is {NN} -- {adv} {A} from its first frame to its last.",
    "{actor} plays {a_occ} who {plot}, and the whole thing {VP}.",
    "Shot in {city}, this {A} {genre} {VP}.",
    "{title} is {NN}: {A}, {A2}, and {adv} {A3}.",
    "Judged as {a_genre}, {title} is {adv} {A}.",
]


def movie_title(r):
    """A fictional film title, e.g. 'The Velvet Lighthouse'."""
    kind = r.randrange(5)
    if kind == 0:
        return f"The {r.choice(TITLE_ADJ)} {r.choice(TITLE_NOUNS)}"
    if kind == 1:
        return f"{r.choice(TITLE_NOUNS)} of the {r.choice(TITLE_NOUNS)}"
    if kind == 2:
        return f"{r.choice(TITLE_ADJ)} {r.choice(TITLE_NOUNS)}"
    if kind == 3:
        return f"The {r.choice(TITLE_NOUNS)} in {r.choice(CITIES)}"
    return f"{r.choice(TITLE_NOUNS)} {r.randint(2, 4)}"


def sst2_sentence(r, positive):
    """Make one review snippet whose sentiment is `positive`."""
    adjs = POS_ADJ if positive else NEG_ADJ
    a1, a2, a3 = r.sample(adjs, 3)
    plot = r.choice(PLOT_ACTIONS).format(country=r.choice(COUNTRIES),
                                         city=r.choice(CITIES))
    aspect, aspect2 = r.sample(ASPECTS, 2)
    occ, occ2, genre = r.choice(OCCUPATIONS), r.choice(OCCUPATIONS), r.choice(GENRES)
    fill = {
        "A": a1, "A2": a2, "A3": a3, "A_cap": capitalize(a1), "aA": article(a1),
        "NN": r.choice(POS_NOUN if positive else NEG_NOUN),
        "VP": r.choice(POS_VP if positive else NEG_VP),
        "title": movie_title(r), "genre": genre, "a_genre": article(genre),
        "a_occ": article(occ), "a_occ2": article(occ2),
        "plot": plot, "actor": person(r), "actor2": person(r),
        "director": person(r), "year": r.choice(YEARS),
        "aspect": aspect, "aspect2": aspect2, "Aspect": capitalize(aspect),
        "Aspect2": capitalize(aspect2),
        "adv": r.choice(INTENSIFIERS), "city": r.choice(CITIES),
        "minutes": str(r.randint(78, 185)),
    }
    return capitalize(r.choice(SST2_TEMPLATES).format(**fill))


def make_sst2(r):
    """Build the three SST-2 splits; no sentence appears twice anywhere."""
    seen = set()
    splits = {}
    for split, (n_rows, n_pos) in SST2_SPLITS.items():
        labels = [1] * n_pos + [0] * (n_rows - n_pos)
        r.shuffle(labels)
        rows = {"sentence": [], "label": [], "idx": []}
        for i, label in enumerate(labels):
            sentence = sst2_sentence(r, positive=bool(label))
            while sentence in seen:
                sentence = sst2_sentence(r, positive=bool(label))
            seen.add(sentence)
            rows["sentence"].append(sentence)
            rows["label"].append(label)
            rows["idx"].append(i)
        splits[split] = rows
    return splits


# ---------------------------------------------------------------------------
# Checks, writing and datasheets.
# ---------------------------------------------------------------------------

WORD_RE = re.compile(r"[a-z]+(?:['-][a-z]+)*")


def vocabulary(texts):
    """Distinct lower-case word types (letters, with inner ' or -)."""
    return {w for t in texts for w in WORD_RE.findall(t.lower())}


def texts_of(splits):
    """All text fields of all rows of all splits."""
    return [t for rows in splits.values() for key in rows if key.startswith("sentence")
            for t in rows[key]]


def assert_disjoint(splits, keys):
    """Assert no row (by the given text columns) appears in two splits."""
    owner = {}
    for split, rows in splits.items():
        for row in zip(*(rows[k] for k in keys)):
            assert owner.setdefault(row, split) == split, (row, split)


def write_splits(splits, features, out_dir):
    """Write each split as <out_dir>/<split>.parquet."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for split, rows in splits.items():
        Dataset.from_dict(rows, features=features).to_parquet(
            str(out_dir / f"{split}.parquet"))


def balance_table(splits, names):
    """Markdown table of per-split label counts and percentages."""
    head = "| split | rows | " + " | ".join(names) + " |"
    lines = [head, "|" + "---|" * (len(names) + 2)]
    for split, rows in splits.items():
        counts = Counter(rows["label"])
        n = len(rows["label"])
        cells = [f"{counts[i]:,} ({100 * counts[i] / n:.1f} %)"
                 for i in range(len(names))]
        lines.append(f"| {split} | {n:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def examples_table(splits, keys, names, n=4):
    """Markdown table with the first few training rows."""
    lines = ["| " + " | ".join(keys) + " | label |",
             "|" + "---|" * (len(keys) + 1)]
    rows = splits["train"]
    for i in range(n):
        cells = [rows[k][i].replace("|", "\\|") for k in keys]
        lines.append("| " + " | ".join(cells) + f" | {names[rows['label'][i]]} |")
    return "\n".join(lines)


def card_front_matter(name: str) -> str:
    """The YAML header of a datasheet, in the Hugging Face dataset-card format."""
    return f"""---
pretty_name: Synthetic {name} stand-in
license: cc0-1.0
language:
- en
task_categories:
- text-classification
size_categories:
- 1K<n<10K
---
"""


MRPC_CARD = card_front_matter("MRPC") + """
# Synthetic MRPC stand-in (`data/mrpc`)

## What it is

An offline, generated stand-in for the Microsoft Research Paraphrase Corpus as
packaged in GLUE (hub ID `nyu-mll/glue`, config `mrpc`). Each row is a pair of
news-style English sentences (business, markets, politics, science, sports,
weather, courts, technology) and a label saying whether the second sentence
is a paraphrase of the first. It has the same columns, features and split
sizes as the real dataset, so course code written against it runs unchanged on
`load_dataset("nyu-mll/glue", "mrpc")`.

```python
from datasets import load_dataset
raw = load_dataset("data/mrpc")
```

Features: `sentence1` (string), `sentence2` (string),
`label` (ClassLabel: 0 = `not_equivalent`, 1 = `equivalent`), `idx` (int32,
row number within the split).

## How it was made

Generated by `data/make_data.py` with `random.Random({seed})` and the standard
library only. Each sentence is a short trade-news report, "<company> <verb>
<number> <goods> in <city>.", in one of {n_forms} forms (active or passive, city
first or last), with one of {n_verbs} verbs from {n_classes} classes of synonyms;
companies, goods and cities come from fixed pools of {n_companies}, {n_goods} and {n_cities}.

- `equivalent`: the same event re-worded: another form and/or a synonym of the
  verb; company, number, goods and city are identical.
- `not_equivalent`: another event: company, number, goods, city and the kind
  of verb all differ.

Why so plain, and why 8,000 training pairs (GLUE's MRPC has 3,668)? The course
fine-tunes a tiny BERT from random weights on it, in seconds on a CPU. Measured
while building this set: with long, varied news sentences (27 kinds of events,
thousands of names), with subtle negatives (the same kind of event with other
names), or with 3,668 pairs, such a model stayed at the majority baseline; with
short sentences over small pools, big contrasts and 8,000 pairs it passed 0.85
validation accuracy within 3 epochs. The varied English of the course is in
`data/sst2`. A real pretrained BERT on the
real MRPC faces much subtler pairs; this set only has MRPC's shape.

No sentence appears twice anywhere in the dataset, so no pair is shared
between splits (the script asserts this).

## Splits and label balance

Computed by the script:

{balance}

Unlike GLUE, whose MRPC test labels are hidden (`-1`), **the test split here
has real labels**.

Distinct lower-case word types: {vocab_mrpc:,} in this dataset, {vocab_all:,}
across this dataset and `data/sst2` together.

## Examples

{examples}

## License

CC0 1.0 (public domain dedication). The data is generated; all names of
people, companies and films are invented or drawn at random, and any
resemblance to real events is coincidental.

## Known limitations

- Synthetic and templated: the sentences are grammatical but formulaic, and
  the label depends on a large, deliberate contrast (all content words kept vs
  all replaced). Real MRPC negatives are often near-paraphrases.
- It is made so that a tiny model learns it from scratch in minutes; scores on
  it say nothing about a model's paraphrase ability and are not comparable to
  published MRPC results. It is not a benchmark.
- Events are not real; numbers and facts are random.

## Regenerate

```bash
python data/make_data.py
```

The script is deterministic: re-running it rewrites byte-identical files.
"""

SST2_CARD = card_front_matter("SST-2") + """
# Synthetic SST-2 stand-in (`data/sst2`)

## What it is

An offline, generated stand-in for the Stanford Sentiment Treebank (binary) as
packaged in GLUE (hub ID `nyu-mll/glue`, config `sst2`). Each row is a short
movie-review snippet and its sentiment. It has the same columns and features
as the real dataset (the training split is smaller: {n_train:,} rows instead of
67,349), so course code written against it runs unchanged on
`load_dataset("nyu-mll/glue", "sst2")`.

```python
from datasets import load_dataset
raw = load_dataset("data/sst2")
```

Features: `sentence` (string), `label` (ClassLabel: 0 = `negative`,
1 = `positive`), `idx` (int32, row number within the split).

## How it was made

Generated by `data/make_data.py` with `random.Random({seed})` and the standard
library only. {n_templates} sentence templates combine neutral filler
(invented film titles, actors and directors, genres, plot fragments, years,
running times, aspects such as "the score" or "the pacing") with sentiment
cues: polar adjectives ("dazzling", "tedious"), noun phrases ("a triumph",
"a slog") and verb phrases ("wins you over", "drags on forever"). Every
snippet carries one to three cues, all of the same polarity; negation is
never used, so the cue words decide the label.

No sentence appears in two splits (the script asserts this).

## Splits and label balance

Computed by the script:

{balance}

Unlike GLUE, whose SST-2 test labels are hidden (`-1`), **the test split here
has real labels**.

Distinct lower-case word types: {vocab_sst2:,} in this dataset, {vocab_all:,}
across this dataset and `data/mrpc` together.

## Examples

{examples}

## License

CC0 1.0 (public domain dedication). The data is generated; all titles and
names are invented or drawn at random.

## Known limitations

- Synthetic and templated: sentiment is carried by a fixed list of cue words
  and phrases, with no negation, sarcasm or mixed opinions, unlike real
  reviews.
- It is made so that a tiny model learns it from scratch in minutes; scores on
  it are not comparable to published SST-2 results. It is not a benchmark.

## Regenerate

```bash
python data/make_data.py
```

The script is deterministic: re-running it rewrites byte-identical files.
"""


def main():
    """Generate, check and write both datasets and their datasheets."""
    datasets.disable_progress_bars()
    mrpc = make_mrpc(random.Random(SEED))
    sst2 = make_sst2(random.Random(SEED + 1))

    assert_disjoint(mrpc, ["sentence1", "sentence2"])
    assert_disjoint(sst2, ["sentence"])
    for splits, sizes in ((mrpc, MRPC_SPLITS), (sst2, SST2_SPLITS)):
        for split, (n_rows, n_pos) in sizes.items():
            assert len(splits[split]["label"]) == n_rows
            assert sum(splits[split]["label"]) == n_pos

    vocab_mrpc = vocabulary(texts_of(mrpc))
    vocab_sst2 = vocabulary(texts_of(sst2))
    vocab_all = len(vocab_mrpc | vocab_sst2)

    write_splits(mrpc, MRPC_FEATURES, DATA_DIR / "mrpc")
    write_splits(sst2, SST2_FEATURES, DATA_DIR / "sst2")

    mrpc_names = MRPC_FEATURES["label"].names
    sst2_names = SST2_FEATURES["label"].names
    (DATA_DIR / "mrpc" / "README.md").write_text(MRPC_CARD.format(
        seed=SEED, n_forms=len(FORMS), n_verbs=sum(map(len, VERB_CLASSES)), n_classes=len(VERB_CLASSES),
        n_companies=60, n_goods=len(GOODS) * len(CONTAINERS), n_cities=30,
        balance=balance_table(mrpc, mrpc_names),
        examples=examples_table(mrpc, ["sentence1", "sentence2"], mrpc_names),
        vocab_mrpc=len(vocab_mrpc), vocab_all=vocab_all))
    (DATA_DIR / "sst2" / "README.md").write_text(SST2_CARD.format(
        seed=SEED + 1, n_train=SST2_SPLITS["train"][0],
        n_templates=len(SST2_TEMPLATES),
        balance=balance_table(sst2, sst2_names),
        examples=examples_table(sst2, ["sentence"], sst2_names, n=6),
        vocab_sst2=len(vocab_sst2), vocab_all=vocab_all))

    print(f"MRPC: {len(vocab_mrpc):,} word types; SST-2: {len(vocab_sst2):,}; "
          f"distinct word types across both datasets: {vocab_all:,}")


if __name__ == "__main__":
    main()
