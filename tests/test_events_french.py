"""Which events a French sentence tells, and of what type. French sentences written for the test.

- The parser's slips: a present-tense verb lemmatized as its noun ("reproche") and a
  passé simple read as an infinitive ("demanda", "limogea") are still verbs that tell events.
- A dismissal is a sanction ("limoger", "fut remercié"); thanks given "pour" something stay support.
- A gerund after a verb of reaction tells the reaction ("est intervenu en demandant", "a réagi en
  condamnant"); elsewhere it is the manner of another act ("a protesté en bloquant").
- An event noun with "en" and no article after "être", "entrer", "placer" is told ("en grève").
- An event noun object of "annoncer", "confirmer", "signaler" is told ("a annoncé le boycott").
- A compound infinitive ("d'avoir rompu", "à être reconnu") refers to an act, unless a verb of
  saying, promising or aspect carries it ("affirme avoir été agressée").
- "appeler" asks only with "à" ("appelle à la grève"); "arrêter de" is stopping, no arrest; a
  gift to oneself is no aid ("s'est octroyé"); "soutient que", "appuie-t-il" say, support no one;
  an object or complement that makes the word figurative ("accuse une baisse", "céder à la
  fatalité", "suspendre la séance", "une suspension de séance") makes no event.
- The words a speaker is quoted saying tell no act but the saying: « nous ne céderons pas » is
  no concession; « nous demandons … » is a request.
- Receiving a counterpart is a meeting ("a reçu son homologue"); receiving calls or a prize is not.
- Going to a place is a visit ("s'est rendu à Kiev", "est attendu à Alger"); taking control of a
  place is an assault ("ont pris le contrôle de Kidal"), of a company a takeover.
- Ending a restraint is a concession ("a levé le blocus", "a aboli la censure", "a suspendu les
  sanctions"); suspending aid stays a sanction.
- A clause joined by "et" to a promise or an offer is not under it ("lui ont offert X et elle l'a
  refusé" is a refusal, no threat).
"""
from __future__ import annotations

import pytest
from test_events_cues import fr


def told(doc) -> list[tuple]:
    return [(e.type, e.source, e.target) for e in doc.events]


def types(doc) -> list[str]:
    return [e.type for e in doc.events]


@pytest.mark.parametrize("text, etype, source", [
    ("Le Brésil reproche à l'Argentine sa politique commerciale.", "ACCUSE", ["BRA"]),
    ("La Pologne reproche à l'Allemagne son silence.", "ACCUSE", ["POL"]),
    ("Le Parlement portugais demanda hier la démission du ministre.", "REQUEST", ["PRT"]),
    ("Le président tunisien limogea son ministre de l'Intérieur.", "SANCTION", ["TUN"]),
])
def test_verbs_the_parser_misreads_still_tell_events(process, text, etype, source):
    assert any(t == etype and s == source for t, s, _ in told(process(fr(text)))), told(process(fr(text)))


@pytest.mark.parametrize("text, etype, absent", [
    ("Le ministre kényan a été limogé par le président du Kenya.", "SANCTION", "SUPPORT"),
    ("Le directeur de la télévision publique kényane fut remercié vendredi par le gouvernement du Kenya.",
     "SANCTION", "SUPPORT"),
    ("Les soldats kényans ont été remerciés pour leur courage par le président du Kenya.", "SUPPORT", "SANCTION"),
])
def test_a_dismissal_is_a_sanction(process, text, etype, absent):
    found = types(process(fr(text)))
    assert etype in found and absent not in found, found


@pytest.mark.parametrize("text, etype, done", [
    ("Le député belge est intervenu en demandant au gouvernement de la Belgique une enquête.", "REQUEST", True),
    ("Le ministre suédois a réagi en condamnant la Russie.", "ACCUSE", True),
    ("Les agriculteurs belges ont manifesté en bloquant les routes de Bruxelles.", "COERCE", False),
    ("La Belgique se prépare à la crise en éliminant sa dépendance au gaz russe.", "ASSAULT", False),
])
def test_a_gerund_tells_the_reaction_it_names(process, text, etype, done):
    found = types(process(fr(text)))
    assert (etype in found) == done, found


@pytest.mark.parametrize("text, etype, done", [
    ("Les dockers sont en grève à Athènes depuis lundi.", "PROTEST", True),
    ("Les mineurs de la Bolivie sont entrés en grève à Potosí.", "PROTEST", True),
    ("Les syndicats de la Grèce ont annoncé le boycott des élections.", "REJECT", True),
    ("Le gouvernement de la Serbie a confirmé l'arrestation de deux espions à Belgrade.", "COERCE", True),
    ("Les syndicats de la Grèce ont évoqué la grève de 1980.", "PROTEST", False),
    ("Le ministre grec est resté en retrait lors du débat à Athènes.", "RETREAT", False),
    ("Le processus de paix est en marche à Athènes, selon le gouvernement de la Grèce.", "PROTEST", False),
])
def test_an_event_noun_in_a_state_or_an_announcement_is_told(process, text, etype, done):
    found = types(process(fr(text)))
    assert (etype in found) == done, found


@pytest.mark.parametrize("text, etype, done", [
    ("Le parti hongrois reprochait au député d'avoir rompu la discipline de vote.", "REJECT", False),
    ("Cette guérison rend le prêtre admissible à être reconnu saint par le Vatican.", "SUPPORT", False),
    ("Une journaliste française affirme avoir été agressée par des policiers égyptiens au Caire.", "ASSAULT", True),
    ("Le gouvernement hongrois a été accusé d'avoir bombardé la Serbie.", "ASSAULT", False),
])
def test_a_compound_infinitive_refers_unless_said_or_promised(process, text, etype, done):
    found = types(process(fr(text)))
    assert (etype in found) == done, found


@pytest.mark.parametrize("text, etype, done", [
    ("Le syndicat portugais appelle à la grève générale au Portugal.", "REQUEST", True),
    ("Le maire de Lisbonne appelle les habitants du Portugal à voter dimanche.", "REQUEST", True),
    ("Le député portugais avait appelé le ministre du Portugal « le petit marquis ».", "REQUEST", False),
    ("La police roumaine a arrêté deux passeurs à Bucarest.", "COERCE", True),
    ("Les autorités de la Roumanie ont arrêté de publier les chiffres.", "COERCE", False),
    ("L'armée du Soudan a livré des vivres aux réfugiés du Darfour.", "AID", True),
    ("L'armée du Soudan s'est octroyé les pleins pouvoirs.", "AID", False),
    ("Le Japon soutient l'Inde dans sa candidature au Conseil de sécurité.", "SUPPORT", True),
    ("Le ministre japonais soutient que la Chine a menti.", "SUPPORT", False),
    ("Pour l'essentiel, appuie-t-il, le Japon reste la troisième économie du monde.", "SUPPORT", False),
])
def test_verbs_that_tell_their_event_only_with_the_right_complement(process, text, etype, done):
    found = types(process(fr(text)))
    assert (etype in found) == done, found


@pytest.mark.parametrize("text, etype", [
    ("Le constructeur automobile Renault accuse une baisse de ses ventes en France.", "ACCUSE"),
    ("Les dirigeants du Sénégal ne cèdent pas à la fatalité.", "CONCEDE"),
    ("La séance du Parlement slovaque a été suspendue dix minutes.", "SANCTION"),
    ("Le député slovaque a demandé une suspension de séance au Parlement de Bratislava.", "SANCTION"),
    ("Un chercheur coréen, auteur de l'étude ayant fourni ces résultats, reste prudent.", "AID"),
])
def test_a_figurative_complement_makes_no_event(process, text, etype):
    assert etype not in types(process(fr(text)))


def test_an_event_noun_still_tells_when_its_complement_is_literal(process):
    assert "SANCTION" in types(process(fr("L'Union européenne a annoncé la suspension de son aide au Niger.")))
    assert "ACCUSE" in types(process(fr("Le Brésil accuse l'Argentine de protectionnisme.")))


def test_a_clause_joined_to_an_offer_is_not_under_it(process):
    found = told(process(fr("La chaîne espagnole affirme qu'ils lui avaient offert un poste à Madrid et qu'elle "
                            "l'avait refusé.")))
    assert "THREATEN" not in [t for t, _, _ in found], found


@pytest.mark.parametrize("text, etype, done", [
    ("Le premier ministre grec a prévenu : « non, nous ne céderons pas aux créanciers ! »", "CONCEDE", False),
    ("Le ministre grec l'a dit hier : « nous avons arrêté deux espions turcs ».", "COERCE", False),
    ("Le ministre grec a dénoncé une « attaque barbare » de la Turquie.", "ACCUSE", True),
    ("Le ministre grec l'a dit hier : « nous demandons le départ des troupes turques ».", "REQUEST", True),
    ("La police grecque a arrêté deux espions turcs à Athènes.", "COERCE", True),
])
def test_the_words_a_speaker_is_quoted_saying_are_not_the_event(process, text, etype, done):
    found = types(process(fr(text)))
    assert (etype in found) == done, found


@pytest.mark.parametrize("text, visit", [
    ("Le président finlandais s'est rendu lundi à Kiev.", True),
    ("Le président finlandais s’est rendu à Kiev.", True),
    ("Le ministre finlandais des affaires étrangères est attendu à Kiev le 3 avril.", True),
    ("Les combattants syriens se sont rendus aux forces kurdes.", False),
    ("Le ministre finlandais est attendu au tournant par l'opposition de la Finlande.", False),
])
def test_going_to_a_place_is_a_visit(process, text, visit):
    found = told(process(fr(text)))
    assert any(t == "CONSULT" for t, _, _ in found) == visit, found


def test_phrases_with_an_apostrophe_are_found(process):
    doc = process(fr("Des tirs d'artillerie russes ont frappé Kharkiv dans la nuit."))
    assert [e.mode for e in doc.events if e.type == "ASSAULT"] == ["artillery"]


@pytest.mark.parametrize("text, etype, done", [
    ("Le Niger a connu un attentat meurtrier près de Niamey.", "ASSAULT", True),
    ("L'armée malienne a subi une attaque des rebelles près de Gao.", "ASSAULT", True),
    ("Le Mali ne connaît pas les détails de l'accord de paix.", "AGREE", False),
    ("Les manifestants maliens ont déployé une banderole devant l'ambassade de France à Bamako.", "MOBILIZE", False),
])
def test_an_event_noun_undergone_is_told(process, text, etype, done):
    found = types(process(fr(text)))
    assert (etype in found) == done, found


@pytest.mark.parametrize("text, killed", [
    ("Le Niger a connu un attentat dans lequel au moins quinze personnes ont perdu la vie près de Niamey.", 15),
    ("Une attaque des rebelles a frappé Gao, au Mali : douze soldats ont trouvé la mort.", 12),
    ("Une attaque des rebelles a frappé Gao, au Mali : douze soldats ont perdu leurs armes.", None),
])
def test_the_dead_are_counted_in_the_words_of_french_news(process, text, killed):
    found = [e.quantities.get("killed") for e in process(fr(text)).events if e.type == "ASSAULT"]
    assert found and found[0] == killed, found


@pytest.mark.parametrize("text, etype, absent", [
    ("La Birmanie a officiellement aboli la censure.", "CONCEDE", "COERCE"),
    ("Les dernières restrictions ont été levées par le gouvernement birman.", "CONCEDE", "COERCE"),
    ("L'Union européenne a suspendu les sanctions contre la Birmanie.", "CONCEDE", "SANCTION"),
    ("L'Union européenne a suspendu son aide à la Birmanie.", "SANCTION", "CONCEDE"),
    ("L'armée birmane a imposé le couvre-feu à Rangoun.", "COERCE", "CONCEDE"),
])
def test_the_end_of_a_restraint_is_a_concession(process, text, etype, absent):
    found = types(process(fr(text)))
    assert etype in found and absent not in found, found


@pytest.mark.parametrize("text, country", [
    ("Des hommes armés ont attaqué un village dans le nord du Mali.", "ML"),
    ("Un attentat a tué douze personnes au nord-est du Nigeria.", "NG"),
])
def test_a_part_of_a_country_places_the_event_in_it(process, text, country):
    found = [e.place for e in process(fr(text)).events if e.type == "ASSAULT"]
    assert found and found[0] is not None and found[0]["country"] == country, found


def test_a_country_named_as_an_actor_is_still_no_place(process):
    found = [e.place for e in process(fr("Le Mali a attaqué des positions rebelles.")).events if e.type == "ASSAULT"]
    assert found and found[0] is None, found


@pytest.mark.parametrize("text, done", [
    ("Les rebelles touaregs ont pris le contrôle de Kidal.", True),
    ("L'armée malienne a repris le contrôle de Tombouctou.", True),
    ("Le groupe français Renault a pris le contrôle du constructeur Dacia.", False),
    ("La prise de contrôle de Dacia par Renault est achevée.", False),
])
def test_taking_control_of_a_place_is_an_assault(process, text, done):
    found = types(process(fr(text)))
    assert ("ASSAULT" in found) == done, found


@pytest.mark.parametrize("text, etype, done", [
    ("Le Premier ministre japonais a reçu son homologue indien à Tokyo.", "CONSULT", True),
    ("Le président sénégalais a reçu Emmanuel Macron à Dakar.", "CONSULT", True),
    ("Le président sénégalais a reçu le prix de la paix à Dakar.", "CONSULT", False),
    ("La Turquie a accueilli des milliers de réfugiés syriens.", "CONSULT", False),
    ("Les pompiers de Dakar ont reçu des appels au sujet d'un incendie.", "REQUEST", False),
])
def test_receiving_a_counterpart_is_a_meeting(process, text, etype, done):
    found = types(process(fr(text)))
    assert (etype in found) == done, found


@pytest.mark.parametrize("text, etype, done", [
    ("La France demande des explications à la Russie.", "REQUEST", True),
    ("L'opposition ivoirienne rejette les résultats de l'élection.", "REJECT", True),
    ("Le président ivoirien a accordé un entretien au journal Le Monde.", "AID", False),
    ("La Côte d'Ivoire a fourni des chiffres sur la croissance.", "AID", False),
])
def test_an_idiom_is_a_trigger_and_its_object_together(process, text, etype, done):
    found = types(process(fr(text)))
    assert (etype in found) == done, found
