//! Another crate using the generated types: deserialize a `/sync` response and walk it.
//!
//! `cargo run -p tests --example parse_sync [FILE]` reads a response body from FILE, or uses
//! a small response of the shape the Matrix spec documents.

use matrix_sync_api::types::SyncResponse;

const BODY: &str = r#"{
  "next_batch": "s72595_4483_1934",
  "rooms": {"default": {"joined": ["!726s6s6q:example.com"], "invited": [], "archived": []}},
  "room_map": {
    "!726s6s6q:example.com": {
      "event_map": {"$74686972643033:example.com": {"type": "m.room.message", "content": {"body": "I am a fish"}}},
      "timeline": {"events": ["$74686972643033:example.com"], "limited": true, "prev_batch": "t34-23535_0_0"}
    }
  }
}"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let body = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => BODY.to_owned(),
    };
    let response: SyncResponse = serde_json::from_str(&body)?;
    println!("next batch: {}", response.next_batch.as_deref().unwrap_or("(none)"));
    for (group, rooms) in response.rooms.iter().flatten() {
        let joined = rooms.joined.as_ref().map_or(0, Vec::len);
        println!("group `{group}`: {joined} joined room(s)");
    }
    for (room_id, room) in response.room_map.iter().flatten() {
        let events = room.event_map.as_ref().map_or(0, |events| events.len());
        let limited = room.timeline.as_ref().and_then(|t| t.limited).unwrap_or(false);
        println!("room {room_id}: {events} event(s), timeline limited: {limited}");
    }
    Ok(())
}
