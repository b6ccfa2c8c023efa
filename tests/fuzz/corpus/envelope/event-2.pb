Qfx:perstate.ratified"
2006-09-14*PERB秘鲁 — UTF-8 note�
ratification