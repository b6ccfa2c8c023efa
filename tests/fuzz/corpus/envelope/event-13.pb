.followup.dialogue"
2025-05-05*AUSú
state