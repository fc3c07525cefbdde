"""Event coding: PLOVER events from parsed sentences (used by ``veille.stages.events``).

- ``lexicon``    the event lexicons of ``kb/events/`` as lookups
- ``grammar``    whether a sentence tells an event or only mentions one
- ``arguments``  source, target from the dependency parse (French) or word order (English)
- ``modality``   asserted, claimed, planned, threatened, denied, hypothetical; who says so
- ``quantities`` killed, wounded, captured, amounts of money, as numbers
- ``tense``      which way a clause points in time (used by ``veille.stages.dates``)
"""
