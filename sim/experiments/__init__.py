"""Experiments at scale: many runs of the model, in the EMA Workbench's spirit of small separate parts.

- ``parameters``: the uncertain inputs of a sweep (a scenario key and its range);
- ``metrics``: what a run reports (an indicator at a month or a year);
- ``samplers``: the points to run (one at a time, grid, Latin hypercube, Sobol, Morris; SALib);
- ``points``: the model a worker evaluates for one point (the scenario with the point's values applied);
- ``evaluators``: where tasks run (this process, a local process pool, a Dask cluster);
- ``folder``: the result folder that grows as runs finish and can be resumed;
- ``analysis``: sensitivity indices from the runs;
- ``spec``: a sweep from a YAML file or command-line options, validated;
- ``sweep`` and ``compare``: the two experiments behind ``tuoyu sweep`` and ``tuoyu compare``.
"""
