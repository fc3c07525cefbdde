"""Places: WGS 84 points from the GeoNames index, disambiguated by the document's states."""
from veille.geo import km


def place(doc, surface):
    for p in doc.places:
        if any(m.text == surface for m in p.mentions) or p.name == surface:
            return p
    raise AssertionError(f"{surface!r} not placed; places: {[(p.name, [m.text for m in p.mentions]) for p in doc.places]}")


def test_odessa_is_in_ukraine_not_texas(process):
    d = process("Titre\n\nDes drones ont frappé un dépôt à Odessa, en Ukraine, dans la nuit de lundi.\n")
    p = place(d, "Odessa")
    assert p.country == "UA" and km(p.lat, p.lon, 46.48, 30.72) < 30


def test_small_town_follows_the_document_country(process):
    d = process("Titre\n\nL'armée arménienne a signalé des tirs près de Jermuk, dans le sud de l'Arménie, "
                "tandis qu'Erevan appelait au calme.\n")
    p = place(d, "Jermuk")
    assert p.country == "AM" and km(p.lat, p.lon, 39.84, 45.67) < 25


def test_regions_and_water_bodies(process):
    d = process("Titre\n\nLes combats se déroulent dans le Syunik et près du lac Sevan, tandis que la Crimée "
                "reste sous tension et que la mer Noire est surveillée.\n")
    assert place(d, "Syunik").country == "AM"
    assert km(place(d, "lac Sevan").lat, place(d, "lac Sevan").lon, 40.39, 45.35) < 50
    assert km(place(d, "Crimée").lat, place(d, "Crimée").lon, 45.3, 34.4) < 200


def test_french_exonym(process):
    d = process("Titre\n\nLes enquêteurs sont retournés à Boutcha, près de Kiev, pour documenter les crimes.\n")
    p = place(d, "Boutcha")
    assert p.country == "UA" and km(p.lat, p.lon, 50.54, 30.21) < 25


def test_unresolvable_name_is_kept_without_a_point(process):
    d = process("Titre\n\nLes tirs ont visé le hameau de Zzyzxqarov, selon le maire de Vardenis en Arménie.\n")
    unresolved = [p for p in d.places if not p.resolved]
    assert any("Zzyzxqarov" in p.name for p in unresolved)
    assert all(p.lat is None and p.lon is None for p in unresolved)
