"""Does a sentence tell an event, or only mention, plan in the abstract, reason about or
refer back to one? The French parse decides, not the topic (used by the events stage)."""
from __future__ import annotations

import re

from veille.coding import arguments
from veille.coding.modality import negated
from veille.coding.lexicon import EventLexicon
from veille.lexicon import fold

LIST_MARKS = ("-", "–", "—", "•", "*", "·")


def _definite(tok) -> bool:
    return any(c.dep_ == "det" and "Def" in c.morph.get("Definite") for c in tok.children)


def told(tok, trig, lex: EventLexicon, known: frozenset = frozenset()) -> bool:
    """Does the sentence tell this event, rather than mention, plan in the abstract,
    reason about or refer back to one? Grammar decides, not the topic. ``known``: the
    types the document has told already (a definite noun then refers back to one)."""
    head = tok.head
    hkey = fold(head.lemma_)
    if lex.is_cue("light", fold(head.text)) or lex.is_cue("occur", fold(head.text)):
        hkey = fold(head.text)  # the lemmatizer reads some verbs as nouns ("montre")
    if tok.pos_ == "NOUN":
        case = arguments.case_of(tok)
        if tok.dep_ == "ROOT":  # a line without a verb: "Suspension par l'Allemagne du processus …"
            return not any(t.pos_ in ("VERB", "AUX") and "Fin" in t.morph.get("VerbForm") for t in tok.sent)
        if tok.dep_ in ("nsubj", "nsubj:pass"):
            happens = lex.is_cue("occur", hkey) or lex.trigger((hkey,), "VERB") is not None \
                or lex.is_cue("aspect", hkey)
            # "l'attentat a fait quinze morts": a definite noun tells the event at its first mention
            return happens and (not _definite(tok) or trig.type not in known)
        if lex.is_cue("undergo", hkey) or lex.is_cue("undergo", fold(head.text)):
            return True  # "un lycéen a été victime d'une agression"
        if tok.dep_ == "obj" and lex.is_cue("light", hkey):
            return True  # "lancer une offensive", "ordonner l'envoi", "montre le bombardement"
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
    if any(a.dep_ == "aux:pass" for a in auxes) and not any(a.dep_ == "aux:tense" for a in auxes) and all(
            "Pres" in a.morph.get("Tense") for a in auxes if a.dep_ == "aux:pass"):
        return False  # "sont stationnées", "est accusé", "n'est accordée": a state, not an event
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
            c.dep_ in ("mark", "case") and fold(c.text) == "en" for c in tok.children):
        return False  # "en envoyant du matériel": the manner of something else
    if "Inf" in form:
        if head.pos_ == "NOUN" and head.dep_ in ("nsubj", "nsubj:pass"):
            return False  # "cette décision de soutenir l'Ukraine …": a reference, not news
        base = tok  # "on ne peut pas vouloir X et restreindre Y": the second verb stands where the first does
        while base.dep_ == "conj" and base.head.i != base.i and "Inf" in base.head.morph.get("VerbForm"):
            base = base.head
        if base.dep_ == "xcomp" and negated(base.head, lex):
            return False  # "n'est pas parvenue à arrêter", "on ne peut pas interdire": not done
        return any(lex.is_cue(cue, hkey) for cue in ("aspect", "plan", "commit", "threat"))
    subj = [c for c in tok.children if c.dep_ == "nsubj"]
    if subj and subj[0].pos_ == "PRON" and set(subj[0].morph.get("PronType")) & {"Dem", "Ind"}:
        return False  # "cela soutient …": an argument, not an actor
    objects = [c for c in tok.children if c.dep_ in ("obj", "nsubj:pass")]
    if trig.type == "ASSAULT" and not objects and any(c.dep_ == "xcomp" for c in tok.children):
        return False  # "visant à remettre en question": aiming, not striking
    if any(fold(o.lemma_) in lex.cue_words("figurative") for o in objects):
        return False  # "il envoie un signal"
    return True
