import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_healthz_reports_every_component_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "up"
    assert body["down"] == []
    assert set(body["checks"]) == {"database", "channel_layer", "search"}
    assert all(check["status"] == "up" for check in body["checks"].values())
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_names_the_channel_layer_when_redis_is_unreachable(client):
    broken = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}
    }
    with override_settings(CHANNEL_LAYERS=broken):
        from channels.layers import channel_layers

        channel_layers.backends.clear()
        try:
            response = client.get("/healthz")
        finally:
            channel_layers.backends.clear()
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["channel_layer"]
    assert body["checks"]["database"]["status"] == "up"
    assert body["checks"]["channel_layer"]["error"].endswith("Error")
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_names_search_when_elasticsearch_is_unreachable(client):
    backends = {"default": {"BACKEND": "search.backends.elasticsearch", "URL": "http://127.0.0.1:1", "TIMEOUT": 1}}
    with override_settings(SAMENHUIS_SEARCH_BACKENDS=backends):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["search"]
