"""Each rule's code hash covers the code it runs and nothing else: a change to a display table's footnote
reruns the tables and the report, not the ingest, the ADaM builders or the simulations."""
from pathlib import Path

from cartrial.codehash import code_hash, data_closure

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"


def _modules(rule: str) -> set[str]:
    if rule in ("tables", "figures"):  # the catalogue's generic script with the rule's builder modules
        from cartrial.catalogue import load_catalogue

        files = data_closure(SCRIPTS / "catalogue_rule.py", *(ROOT.joinpath(*m.split(".")).with_suffix(".py")
                                                             for m in load_catalogue().modules(rule)))
    else:
        files = data_closure(SCRIPTS / f"{rule}.py")
    return {str(p.relative_to(ROOT)) for p in files}


def test_layers_depend_only_on_their_own_code():
    tables = "cartrial/tables/safety.py"
    assert tables in _modules("tables")
    # the catalogue of outputs (a retitled table) is read by the tables, figures and report only
    assert "cartrial/catalogue.yaml" in _modules("tables") and "cartrial/catalogue.yaml" in _modules("report")
    for rule in ("read", "ingest", "adam", "oc", "ards", "export"):
        modules = _modules(rule)
        assert tables not in modules and not any(m.startswith("cartrial/report/") for m in modules), rule
        assert "cartrial/catalogue.yaml" not in modules, rule
    # the ingest reads and checks the data; it runs none of the ADaM, ARD, table or report code
    assert not any(m.startswith(("cartrial/adam/", "cartrial/summaries/", "cartrial/tables/"))
                   for m in _modules("read") | _modules("ingest"))
    # imports inside functions count too: job_log imports the run state and the input errors when a job fails
    assert {"cartrial/runstate.py", "cartrial/sdtm/errors.py", "cartrial/__init__.py"} <= _modules("adam")


def test_hash_follows_the_code(tmp_path):
    script = tmp_path / "job.py"
    script.write_text("from cartrial.io import job_log\n")
    before = code_hash(script)
    script.write_text("from cartrial.io import job_log  # changed\n")
    assert code_hash(script) != before
    assert code_hash(SCRIPTS / "read.py") == code_hash(SCRIPTS / "read.py")


def test_the_import_cache_follows_the_source(tmp_path, monkeypatch):
    """The import names are kept between runs by the text's digest: a changed import is seen at once, a
    cache file that is damaged or cannot be written changes nothing but the time."""
    import cartrial.codehash as codehash

    monkeypatch.setattr(codehash, "CACHE", tmp_path / "cache" / "names.json")
    monkeypatch.setattr(codehash, "_names", None)
    script = tmp_path / "job.py"
    script.write_text("from cartrial.io import job_log\n")
    first = {p.name for p in codehash.module_closure(script)}
    assert "io.py" in first and "catalogue.py" not in first and codehash.CACHE.is_file()
    monkeypatch.setattr(codehash, "_names", None)  # a new run: names from the cache file
    script.write_text("from cartrial.io import job_log\nfrom cartrial.catalogue import load_catalogue\n")
    assert "catalogue.py" in {p.name for p in codehash.module_closure(script)}
    codehash.CACHE.write_text("{not json")
    monkeypatch.setattr(codehash, "_names", None)
    assert "catalogue.py" in {p.name for p in codehash.module_closure(script)}
    monkeypatch.setattr(codehash, "CACHE", tmp_path / "job.py" / "cannot" / "names.json")  # under a file
    monkeypatch.setattr(codehash, "_names", None)
    assert {p.name for p in codehash.module_closure(script)} >= {"io.py", "catalogue.py"}
