"""A realistic province at scale, for benchmarks (`manage.py seed_scale`, issue 6).

Deterministic: everything is drawn from `random.Random` seeded with `--seed`, and every
date and timestamp counts from a fixed "today" (1 November of the last list year), so
the same arguments give the same rows, ids aside (`fingerprint` checks it).

What it builds for one province (default numbers):
- the province's EPB and one per city, with officers (`scale-32-province`, `scale-32-320100`…);
  ~40 consulting firms with certified auditors and consultants; a pool of ~60 experts
  with their industries; one user per enterprise;
- 20,000 enterprises over the counties and 20 industries, with valid credit codes whose
  organisation-code body starts with 6, each with a user `scale-32-e…` (that is how the
  data is found again);
- one published list per year; 30,000 audits (1.5 per enterprise: some enterprises are
  listed again in a later year for their next round), in every state, with deadlines
  from the province policy, transitions, targets, a balance, ~10 options per audit with
  expected and actual benefits (statuses consistent with the audit's state), documents
  (all rows point at one small PDF written once), disclosures and removed entries;
- review rounds consistent with the audits: a panel of 3 from the pool, each expert's
  points per sheet item, the mean score and the result by the sheet's rule; some fail
  round 1 and pass round 2.

Model instances are built in batches (500 audits' content at a time) and written with
COPY (`copy_insert`: ids taken from the sequences first, as `bulk_create` would return
them), all in one transaction, with the kept-column triggers off until a single fill
at the end; ~2.3 M rows in 3½ minutes on 2 cores. `purge_scale`
deletes a province's scale data again with set-based SQL (children before parents, the
relations discovered from the models).
"""

from .pools import (
    DEFAULT_LAST_YEAR,
    MAX_ENTERPRISES,
    SHOWCASE_OPTIONS,
    has_scale_data,
    scale_enterprises,
    scale_users,
    user_prefix,
)
from .rows import fingerprint, purge_scale
from .seeder import Seeder

__all__ = [
    "DEFAULT_LAST_YEAR",
    "MAX_ENTERPRISES",
    "SHOWCASE_OPTIONS",
    "Seeder",
    "fingerprint",
    "has_scale_data",
    "purge_scale",
    "scale_enterprises",
    "scale_users",
    "user_prefix",
]
