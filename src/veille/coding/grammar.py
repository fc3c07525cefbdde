"""Does a sentence tell an event, or only mention, plan in the abstract, reason about or
refer back to one? The French parse decides, not the topic (used by the events stage)."""
from __future__ import annotations

import re

from veille.coding import arguments
from veille.coding.modality import negated
from veille.coding.lexicon import EventLexicon, Trigger
from veille.lexicon import fold

LIST_MARKS = ("-", "–", "—", "•", "*", "·")


def _definite(tok) -> bool:
    return any(c.dep_ == "det" and "Def" in c.morph.get("Definite") for c in tok.children)


def _looks_infinitive(word: str) -> bool:
    """French infinitives end in -r or -re ("demander", "finir", "prendre", "voir"); a word
    the parser calls an infinitive without that ending is a finite verb it misread (the
    passé simple "demanda", "limogea")."""
    return re.search(r"re?$", fold(word)) is not None


def infinitive(tok) -> bool:
    """An infinitive, simple ("frapper") or compound ("avoir frappé", "être reconnu")."""
    if "Inf" in tok.morph.get("VerbForm"):
        return _looks_infinitive(tok.text)
    return "Part" in tok.morph.get("VerbForm") and any(
        c.dep_.startswith("aux") and "Inf" in c.morph.get("VerbForm") and _looks_infinitive(c.text)
        for c in tok.children)


def verb_lemmas(tok) -> list[str]:
    """Infinitives a French verb form can stand for when the lemmatizer gave it a noun's
    lemma ("reproche"): first-group verbs, the most of the language."""
    word = fold(tok.text)
    m = re.match(r"(\w{3,}?)(?:e|es|ent)$", word)
    return [m.group(1) + "er"] if m else []


OPENING, CLOSING = ("«", "“"), ("»", "”")
SPOKEN = ("ACCUSE", "REQUEST", "THREATEN", "REJECT", "SUPPORT", "PROTEST")  # acts done in the words themselves


def quoted_clause(tok) -> bool:
    """Is the word inside guillemets that hold a clause ("il a affirmé : « nous ne céderons pas »")?
    Those are a speaker's own words: saying them is the event, not what they name (unless
    they do what they say: « je demande », « nous condamnons », ``SPOKEN``). A
    quote that opens in an earlier sentence closes in this one. A few words in guillemets with
    no verb of their own ("une « opération spéciale »") are the writer's, and still tell."""
    sent, opened, span = tok.sent, None, None
    for t in sent:
        if t.text in OPENING:
            opened = t.i
        elif t.text in CLOSING:
            lo = opened if opened is not None else sent.start - 1
            if lo < tok.i < t.i:
                span = (lo + 1, t.i)
                break
            opened = None
    if span is None and opened is not None and opened < tok.i:
        span = (opened + 1, sent.end)
    if span is None:
        return False
    return any(w.pos_ in ("VERB", "AUX") and "Fin" in w.morph.get("VerbForm") for w in tok.doc[span[0]:span[1]])


RESTRAINTS = ("COERCE", "SANCTION")


def eased(verb, lex: EventLexicon) -> Trigger | None:
    """A verb of ending (cue ``ease``) whose object is a restraint tells a concession: "a levé
    le blocus", "abolit la censure", "les sanctions ont été suspendues" (the restraint itself
    is not told: its end is)."""
    if not (lex.is_cue("ease", fold(verb.lemma_)) or lex.is_cue("ease", fold(verb.text))):
        return None
    for c in verb.children:
        if c.dep_ in ("obj", "nsubj:pass") and c.pos_ == "NOUN":
            found = lex.trigger((fold(c.lemma_),), "NOUN") or lex.trigger((fold(c.text),), "NOUN")
            if found and found.type in RESTRAINTS:
                return Trigger("CONCEDE", None, "VERB")
    return None


def _inverted_subject(tok) -> bool:
    """A clitic subject after its verb ("appuie-t-il", "souligne-t-elle"): an incise that
    reports words, or a question."""
    return any(c.pos_ == "PRON" and c.i > tok.i and c.text.startswith("-") for c in tok.children)


def _compound_participle(tok) -> bool:
    """A compound participle ("ayant fourni", "ayant été arrêté")."""
    return any(c.dep_.startswith("aux") and "Part" in c.morph.get("VerbForm") for c in tok.children)


def _idiom(tok, complement, lex: EventLexicon) -> bool:
    """A trigger and its complement that together mean something else (cue ``idiom``)."""
    return any(lex.is_cue("idiom", fold(tok.lemma_), k) for k in (fold(complement.lemma_), fold(complement.text)))


def _named_place_under(tok) -> bool:
    """A place name among the trigger's complements and theirs ("le contrôle de Goma")."""
    return any(t.ent_type_ in ("LOC", "GPE") for c in tok.children
               if c.dep_ in ("obj", "obl", "obl:arg", "obl:mod", "nmod") for t in arguments.subtree(c))


def _reflexive(tok) -> bool:
    return any(c.pos_ == "PRON" and "Yes" in c.morph.get("Reflex") for c in tok.children if c.i < tok.i)


COMPLEMENTS = ("obl", "obl:arg", "obl:mod", "xcomp", "ccomp", "iobj", "obj", "advcl")


def _needs(tok, lex: EventLexicon) -> bool:
    """A verb that names an event only with its complement ("appeler à la grève" is a
    request, "appeler quelqu'un un bourgeois" names; "arrêter de parler" is no arrest): the
    ``needs`` cue lists the verb and the words that must or must not introduce a complement."""
    key = fold(tok.lemma_)
    wanted = [k[1].rstrip("'") for k in lex.cues.get("needs", ()) if k[0] == key and len(k) > 1]
    barred = [k[1].rstrip("'") for k in lex.cues.get("halt", ()) if k[0] == key and len(k) > 1]
    if not wanted and not barred:
        return True
    cases = {arguments.case_of(c) for c in tok.children if c.dep_ in COMPLEMENTS}
    if cases & set(barred):
        return False
    return not wanted or bool(cases & set(wanted))



def told(tok, trig, lex: EventLexicon, known: frozenset = frozenset()) -> bool:
    """Does the sentence tell this event, rather than mention, plan in the abstract,
    reason about or refer back to one? Grammar decides, not the topic. ``known``: the
    types the document has told already (a definite noun then refers back to one)."""
    if trig.type not in SPOKEN and quoted_clause(tok):
        return False
    if trig.mode == "host" and not any(
            c.dep_ == "obj" and (c.ent_type_ == "PER" or fold(c.lemma_) in lex.cue_words("counterpart")
                                 or fold(c.text) in lex.cue_words("counterpart")) for c in tok.children):
        return False  # "a reçu son homologue", "a accueilli le président": a meeting; "a reçu des menaces": none
    if trig.mode == "occupy" and not _named_place_under(tok):
        return False  # "ont pris le contrôle de Goma"; "a pris le contrôle du groupe" is a takeover
    head = tok.head
    hkey = fold(head.lemma_)
    if lex.is_cue("light", fold(head.text)) or lex.is_cue("occur", fold(head.text)):
        hkey = fold(head.text)  # the lemmatizer reads some verbs as nouns ("montre")
    if tok.pos_ == "NOUN":
        case = arguments.case_of(tok)
        if any(c.dep_ == "nmod" and arguments.case_of(c) in ("de", "d", "du", "des")
               and (fold(c.lemma_) in lex.cue_words("figurative") or _idiom(tok, c, lex)) for c in tok.children):
            return False  # "une suspension de séance", "l'envoi d'une lettre": not the act the word names
        if case == "en" and not any(c.dep_ == "det" for c in tok.children) and (
                (tok.dep_.startswith("obl") and lex.is_cue("enter", hkey))
                or any(c.dep_ == "cop" and lex.is_cue("enter", fold(c.lemma_)) for c in tok.children)):
            # "est en grève", "entrent en grève", "placés en détention"; but "est resté en retrait",
            # "la Bourse est en repli", "le processus est en marche": ways of being, no events
            return lex.is_cue("state", fold(tok.lemma_)) or lex.is_cue("state", fold(tok.text))
        if tok.dep_ == "ROOT":  # a line without a verb: "Suspension par l'Allemagne du processus …"
            return not any(t.pos_ in ("VERB", "AUX") and "Fin" in t.morph.get("VerbForm") for t in tok.sent)
        if tok.dep_ in ("nsubj", "nsubj:pass"):
            happens = lex.is_cue("occur", hkey) or lex.trigger((hkey,), "VERB") is not None \
                or lex.is_cue("aspect", hkey)
            # "l'attentat a fait quinze morts": a definite noun tells the event at its first mention
            return happens and (not _definite(tok) or trig.type not in known)
        if lex.is_cue("undergo", hkey) or lex.is_cue("undergo", fold(head.text)):
            return True  # "un lycéen a été victime d'une agression"
        if tok.dep_ == "obj" and (lex.is_cue("light", hkey) or lex.is_cue("suffer", hkey)):
            return True  # "lancer une offensive", "ordonner l'envoi", "montre le bombardement", "a subi une attaque"
        if tok.dep_.startswith("obl") and case == "de" and hkey == "faire" and any(
                c.dep_ == "obj" and fold(c.text) in ("part", "état") for c in head.children):
            return True  # "ont fait part de leur indignation", "fait état de sa préoccupation"
        if tok.dep_.startswith("obl") and ((case and lex.is_cue("frame", case)) or lex.is_cue("frame", fold(head.text))):
            return True  # "lors d'un appel téléphonique"
        return False
    form = set(tok.morph.get("VerbForm"))
    if tok.sent[0].text in LIST_MARKS and not any("Fin" in t.morph.get("VerbForm") for t in tok.sent):
        return False  # a verbless list item ("- Escalade militaire … soutenue par …"): only its head noun
    if "Part" in form and "Pres" in tok.morph.get("Tense") and head.pos_ not in ("VERB", "AUX"):
        return False  # "… menaçant de s'étendre": a participle hung on a noun describes it
    chain, c = [tok], tok
    while c.dep_ in ("xcomp", "ccomp", "conj") and c.head.i != c.i and len(chain) < 4:
        c = c.head
        chain.append(c)
    relative = any("Rel" in x.morph.get("PronType") for c in chain for x in c.children if x.dep_ != "obl")
    if any(c.dep_ == "acl:relcl" for c in chain) or relative:
        return False  # "au moment où la Russie commence à cibler …": background to another statement
    auxes = [c for c in tok.children if c.dep_.startswith("aux")]
    if trig.mode != "visit" and any(a.dep_ == "aux:pass" for a in auxes) \
            and not any(a.dep_ == "aux:tense" for a in auxes) \
            and all("Pres" in a.morph.get("Tense") for a in auxes if a.dep_ == "aux:pass"):
        return False  # "sont stationnées", "est accusé", "n'est accordée": a state, not an event ("est attendu à
        # Alger" is the visit to come)
    subj = [c for c in tok.children if c.dep_.startswith("nsubj")]
    if any(fold(d.text) in lex.cue_words("negation") for x in subj for d in x.children if d.dep_ == "det"):
        return False  # "aucun pays ne reconnaît": nobody did it
    if any(fold(c.text) in lex.cue_words("generic") for c in list(tok.children) + list(head.children)):
        return False  # "régulièrement visés": a habit, not one event
    if "Sub" in tok.morph.get("Mood") or any("Sub" in a.morph.get("Mood") for a in tok.children if a.dep_.startswith("aux")):
        return False  # "pour qu'elle ne quitte pas", "bien qu'elle ne se soit pas retirée"
    if "Cnd" in tok.morph.get("Mood") or (not any(c.dep_.startswith("aux") for c in tok.children)
                                           and re.search(r"(?:rait|raient)$", tok.text)):
        return False  # "armerait": would, not did (the compound "aurait frappé" is a claim)
    if "Part" in form and "Past" in tok.morph.get("Tense") and not any(c.dep_.startswith("aux") for c in tok.children) \
            and head.pos_ not in ("VERB", "AUX") and tok.dep_ != "ROOT":
        return False  # "les soldats déployés par Moscou", "… soutenue par l'OTAN": a description
    if "Part" in form and "Pres" in tok.morph.get("Tense") and any(
            c.dep_ in ("mark", "case") and fold(c.text) == "en" for c in tok.children) \
            and not (tok.dep_ == "advcl" and lex.is_cue("react", hkey)):
        return False  # "a aidé en envoyant du matériel": the manner of another event ("est intervenu en
        # demandant une suspension", "a réagi en condamnant": the reaction is the event the gerund names)
    if "Part" in form and "Past" in tok.morph.get("Tense") and tok.dep_ == "acl" and _compound_participle(tok):
        return False  # "l'étude ayant fourni ces résultats": a description of the noun
    if not _needs(tok, lex):
        return False
    if infinitive(tok):
        if head.pos_ == "NOUN" and head.dep_ in ("nsubj", "nsubj:pass"):
            return False  # "cette décision de soutenir l'Ukraine …": a reference, not news
        base = tok  # "on ne peut pas vouloir X et restreindre Y": the second verb stands where the first does
        while base.dep_ == "conj" and base.head.i != base.i and "Inf" in base.head.morph.get("VerbForm"):
            base = base.head
        if base.dep_ == "xcomp" and negated(base.head, lex):
            return False  # "n'est pas parvenue à arrêter", "on ne peut pas interdire": not done
        # "affirme avoir été agressée", "dément avoir bombardé": what the subject says of itself
        return any(lex.is_cue(cue, hkey) for cue in ("aspect", "plan", "commit", "threat", "report", "deny")) or any(
            lex.is_cue("deny", fold(c.lemma_)) or lex.is_cue("deny", fold(c.text)) for c in tok.children)
        # (the parser may hang "dément" below the verb it governs)
    subj = [c for c in tok.children if c.dep_ == "nsubj"]
    if subj and subj[0].pos_ == "PRON" and set(subj[0].morph.get("PronType")) & {"Dem", "Ind"}:
        return False  # "cela soutient …": an argument, not an actor
    objects = [c for c in tok.children if c.dep_ in ("obj", "nsubj:pass")]
    if trig.type == "ASSAULT" and not objects and any(c.dep_ == "xcomp" for c in tok.children):
        return False  # "visant à remettre en question": aiming, not striking
    objects += [c for c in tok.children if c.dep_ == "obl:arg"]
    if any(fold(o.lemma_) in lex.cue_words("figurative") or fold(o.text) in lex.cue_words("figurative")
           or _idiom(tok, o, lex) for o in objects):
        return False  # "il envoie un signal", "accuse une baisse", "ne cèdent pas à la fatalité"
    if trig.mode == "visit" and not any(c.dep_ in ("obj", "obl", "obl:arg", "obl:mod")
                                        and (c.ent_type_ in ("LOC", "GPE") or c.pos_ == "PROPN") for c in tok.children):
        return False  # "s'est rendu à Kiev", "est attendu à Alger" visit; "se sont rendus aux rebelles" do not
    if trig.type == "AID" and _reflexive(tok):
        return False  # "l'armée s'est octroyé le pouvoir": what one gives oneself is no aid
    if trig.type == "SUPPORT" and (_inverted_subject(tok) or any(
            c.dep_ == "ccomp" and arguments.case_of(c) in ("que", "qu") for c in tok.children)):
        return False  # "soutient que …", "…, appuie-t-il, …": maintains, says; supports no one
    return True
