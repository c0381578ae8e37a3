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
    assert [d for d, _ in sunk] == [r.domain for r in whole] == [r.domain for r in kept]
    assert all(r.frame is None for r in kept)  # the frames went to the sink only
    for (domain, frame), full, light in zip(sunk, whole, kept):
        assert (frame is None and full.frame is None) or frame.equals(full.frame), domain
        assert light.issues == full.issues and light.reconciliation.equals(full.reconciliation), domain
