"""Author scenarios and benchmarks: `ScenarioBuilder` (fluent, checked locally) and
`create_benchmark`. Everything goes through the client, so it works on the cloud and locally."""

from runloop_nb.authoring._benchmark import create_benchmark
from runloop_nb.authoring._builder import ScenarioBuilder
from runloop_nb.authoring._directory import DirectoryUploadError

__all__ = ["DirectoryUploadError", "ScenarioBuilder", "create_benchmark"]
