import json

from skillsapp.settings import Settings, load_settings, save_settings


def test_settings_round_trip(tmp_path):
    path = tmp_path / "settings.json"
    save_settings(path, Settings(language="en", text_size="largest", high_contrast=True))
    loaded = load_settings(path)
    assert loaded.problem is None
    assert loaded.settings.language == "en"
    assert loaded.settings.text_size == "largest"
    assert loaded.settings.high_contrast is True
    assert loaded.settings.text_scale > 1.5
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temp file left


def test_garbage_settings_file_is_kept_and_defaults_used(tmp_path):
    path = tmp_path / "settings.json"
    path.write_bytes(b"\x00\xffnot json{{{")
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert loaded.problem and "mặc định" in loaded.problem
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("settings.json.broken-")]
    assert len(kept) == 1 and kept[0].read_bytes() == b"\x00\xffnot json{{{"


def test_out_of_range_values_fall_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"language": "fr", "text_size": "huge", "unknown": 1}))
    loaded = load_settings(path)
    assert loaded.problem is None
    assert loaded.settings.language == "vi"
    assert loaded.settings.text_size == "large"


def test_a_hand_edited_phone_game_port_or_wifi_name_falls_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    for port, wifi in [("8080", 5), (70000, "x" * 33), (True, None), (80, "Nhà văn hóa")]:
        path.write_text(
            json.dumps({"phone_game_port": port, "phone_game_wifi": wifi}), encoding="utf-8"
        )
        loaded = load_settings(path).settings
        assert loaded.phone_game_port == 8080
        assert loaded.phone_game_wifi == ("Nhà văn hóa" if wifi == "Nhà văn hóa" else "")
    path.write_text(json.dumps({"phone_game_port": 8090}), encoding="utf-8")
    assert load_settings(path).settings.phone_game_port == 8090
