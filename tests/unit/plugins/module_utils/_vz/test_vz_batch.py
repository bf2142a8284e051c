"""vz_batch: how items and defaults merge, and what the item spec is."""
from hypothesis import given, strategies as st

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_batch, vz_params, vz_settings


def test_an_item_wins_key_by_key_and_module_defaults_fill_the_rest():
    [item] = vz_batch.merged_items([{"ctid": "101", "hostname": "a.example.com", "state": None}],
                                   {"hostname": "d.example.com", "onboot": True, "state": "started"})
    assert item["hostname"] == "a.example.com"
    assert item["onboot"] is True
    assert item["state"] == "started"          # the item left it unset
    assert item["update_password"] == "on_create" and item["force"] is False
    assert set(item) == set(vz_params.ARGUMENT_SPEC)


def test_an_xml_item_takes_no_setting_from_the_defaults():
    [item] = vz_batch.merged_items([{"xml": "<domain/>"}], {"hostname": "d.example.com", "state": "stopped"})
    assert item["hostname"] is None and item["state"] == "stopped"


def test_lists_and_dicts_are_replaced_not_merged():
    [item] = vz_batch.merged_items([{"ctid": "1", "nameservers": ["192.0.2.1"], "features": {"nfs": True}}],
                                   {"nameservers": ["192.0.2.53"], "features": {"ppp": True}})
    assert item["nameservers"] == ["192.0.2.1"] and item["features"] == {"nfs": True}


def test_the_item_spec_is_the_single_modules_without_defaults():
    assert set(vz_batch.ITEM_SPEC) == set(vz_params.ARGUMENT_SPEC)
    for key, spec in vz_batch.ITEM_SPEC.items():
        assert "default" not in spec
        assert dict(spec, **({"default": vz_params.ARGUMENT_SPEC[key]["default"]}
                             if "default" in vz_params.ARGUMENT_SPEC[key] else {})) == vz_params.ARGUMENT_SPEC[key]
    assert set(vz_batch.DEFAULTS_SPEC) == set(vz_params.ARGUMENT_SPEC) - {"ctid", "name", "xml"}
    assert vz_batch.ITEM_SPEC["root_password"]["no_log"] is True


KEYS = sorted(vz_settings.BY_PARAM)


@given(st.dictionaries(st.sampled_from(KEYS), st.text(min_size=1, max_size=5)),
       st.dictionaries(st.sampled_from(KEYS), st.one_of(st.none(), st.text(min_size=1, max_size=5))))
def test_merge_is_the_item_over_the_defaults(defaults, item):
    defaults.pop("name", None)
    [merged] = vz_batch.merged_items([dict(item, ctid="1")], defaults)
    for key in KEYS:
        wanted = item.get(key) if item.get(key) is not None else defaults.get(key)
        assert merged[key] == wanted, key


def test_labels_name_the_item():
    assert vz_batch.label(0, {"ctid": "101", "name": "web"}) == "containers[0] (ctid 101, name web)"
    assert vz_batch.label(3, {"ctid": None, "name": None}) == "containers[3]"
