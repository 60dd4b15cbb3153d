"""From "what happens if" to "what should we do": ``tuoyu optimize`` and ``tuoyu discover``.

- ``levers``: decision variables, read from the scenario schema (every lever section of ``policies``);
- ``spec``: an optimisation spec from YAML, validated with located messages;
- ``evaluate``: one package (or a whole scenario) in one replication, reduced to what a decision needs
  (public cost by fund and year, each target met or not, the uncertain parameters drawn);
- ``estimates``: probabilities with Wilson intervals, and the racing rule that decides them;
- ``optimize``: the search (Optuna, SQLite storage for resume), the racing of the front-runners, the folder;
- ``outputs``: the cost–robustness front, the recommended package as a scenario overlay, the brief's tables;
- ``discover``: scenario discovery (PRIM from the EMA Workbench, a CART tree as a cross-check).
"""
