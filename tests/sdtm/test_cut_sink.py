"""The ingest job holds one domain at a time: each domain is taken from the reads when its turn comes and
handed to the sink as soon as it is cut; the results are those of cutting every domain at once."""
from cartrial.sdtm.contract import group_domain_files
from cartrial.sdtm.ingest import check_folder, cut_domains, read_checked_domain


class CountingReads(dict):
    def __init__(self, *args):
        super().__init__(*args)
        self.taken = []

    def __getitem__(self, domain):
        self.taken.append(domain)
        return super().__getitem__(domain)


def test_sink_gets_each_domain_once_and_results_are_the_same(root):
    folder = root / "data" / "ln-peds"
    files = check_folder(folder)
    grouped, _ = group_domain_files(files)
    reads = {d: read_checked_domain(d, files, folder=folder if d == "DM" else None) for d in grouped}
    whole = cut_domains(reads, cut="2024-02-29")

    counting, sunk = CountingReads(reads), []
    kept = cut_domains(counting, cut="2024-02-29", sink=lambda result: sunk.append((result.domain, result.frame)))
    assert sorted(counting.taken) == sorted(reads) and len(counting.taken) == len(set(counting.taken))
    assert counting.taken[0] == "DM" and counting.taken.index("EX") < counting.taken.index("PC")
    assert [r.domain for r in whole] == [r.domain for r in kept]  # DM, then alphabetical
    assert sorted(d for d, _ in sunk) == sorted(r.domain for r in whole) and sunk[0][0] == "DM"
    assert all(r.frame is None for r in kept)  # the frames went to the sink only
    frames = dict(sunk)
    for full, light in zip(whole, kept):
        frame = frames[full.domain]
        assert (frame is None and full.frame is None) or frame.equals(full.frame), full.domain
        assert light.issues == full.issues and light.reconciliation.equals(full.reconciliation), full.domain


def test_domains_cut_in_two_processes_are_the_same(root, tmp_path):
    """Forked workers (the domains after DM and EX): each sees the same cut DM and EX as in turn; the sink
    writes in the worker, and the results come back without their frames."""
    import pandas as pd

    folder = root / "data" / "ln-peds"
    files = check_folder(folder)
    grouped, _ = group_domain_files(files)
    reads = {d: read_checked_domain(d, files, folder=folder if d == "DM" else None) for d in grouped}
    whole = cut_domains(reads, cut="2024-02-29")

    def sink(result):
        if result.frame is not None:
            result.frame.to_pickle(tmp_path / f"{result.domain}.pkl")  # an exact copy

    kept = cut_domains(reads, cut="2024-02-29", sink=sink, workers=2)
    assert [r.domain for r in kept] == [r.domain for r in whole]
    for full, light in zip(whole, kept):
        assert light.issues == full.issues and light.reconciliation.equals(full.reconciliation), full.domain
        if full.frame is not None:
            assert pd.read_pickle(tmp_path / f"{full.domain}.pkl").equals(full.frame), full.domain
