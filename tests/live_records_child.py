"""Child process for test_live_games.py: records a phone game from a server-like thread
until it is killed, printing ``ACK <player>`` once each answer was acknowledged (the
recorder returned) and flushing each line, so the parent knows what the phones were told."""

import datetime
import sys
import threading
from pathlib import Path

from live_records_helpers import Answer, Player

from skillsapp.storage import open_store


def main() -> None:
    data_dir, game_id = Path(sys.argv[1]), sys.argv[2]
    store = open_store(data_dir)
    recorder = store.live_games.recorder()

    def phones() -> None:
        index = 0
        while True:
            now = datetime.datetime.now(datetime.UTC)
            player = Player(f"p{index}", f"Khách {index}", None, now)
            recorder.player_joined(game_id, player)
            answer = Answer(game_id, player.id, "q1", (index % 4,), index % 4 == 0, 0, now, 5)
            assert recorder.answer_recorded(game_id, answer)
            print(f"ACK {player.id}", flush=True)
            index += 1

    thread = threading.Thread(target=phones, daemon=True)
    thread.start()
    thread.join()


if __name__ == "__main__":
    main()
