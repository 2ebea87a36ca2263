"""Model lifecycle: what the public catalogues say of each model (dates, status, replacement),
merged, and what that means for the models the team's assets run on.

Layers: `entries` (one catalogue's word, cleaned), `formats` (the four real formats), `catalog`
(the merged view and its matching), `snapshot` (the bundled copy), `update` (fetching), `schedule`
(the stack's rows) and `propose` (migration experiments).
"""
