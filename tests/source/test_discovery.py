"""A cluster without Flux or without Sealed Secrets still works and says what is missing; an old
Flux that serves HelmRelease only at v2beta2 is read at v2beta2."""

from __future__ import annotations

from kubetriage.cluster.source import ClusterSource


async def test_without_flux_and_sealed_secrets_the_rest_is_live():
    source = await ClusterSource.open(demo="midwestmtg", demo_options={
        "speed": 1e-6, "absent": ["helm.toolkit.fluxcd.io", "kustomize.toolkit.fluxcd.io",
                                  "source.toolkit.fluxcd.io", "bitnami.com"]})
    async with source:
        await source.wait_synced(timeout=20)
        missing = source.discovered.missing
        assert missing["HelmRelease"] == ("Flux (helm-controller) is not installed "
                                          "(the server has no helm.toolkit.fluxcd.io API)")
        assert missing["SealedSecret"] == ("Sealed Secrets is not installed "
                                           "(the server has no bitnami.com API)")
        assert source.store.state("HelmRelease").phase == "unavailable"
        assert source.store.count("HelmRelease") == 0
        pods = {p["metadata"]["name"] for p in source.store.list("Pod")}
        assert "midwestmtg-frontend-7797b494d9-x48qh" in pods
        assert source.store.state("Pod").phase == "live"


async def test_an_old_flux_is_read_at_v2beta2():
    source = await ClusterSource.open(demo="midwestmtg", demo_options={
        "speed": 1e-6, "absent": ["helm.toolkit.fluxcd.io/v2"]})
    async with source:
        await source.wait_synced(timeout=20)
        assert source.discovered.resources["HelmRelease"].version == "v2beta2"
        releases = source.store.list("HelmRelease")
        assert len(releases) == 4
        assert {r["apiVersion"] for r in releases} == {"helm.toolkit.fluxcd.io/v2beta2"}
