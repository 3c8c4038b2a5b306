// Where a real matrix-js-sdk client (the library under Element Web) files one event: in a thread or in the
// room's main timeline.
//
//   node thread_check.mjs --expect thread|main HOMESERVER USER_ID ACCESS_TOKEN ROOM_ID ROOT_ID EVENT_ID
//
// MATRIX_JS_SDK names the SDK's lib/index.js (default: .cache/npm/node_modules/matrix-js-sdk/lib/index.js of the
// repository, where `bash scripts/test` installs matrix-js-sdk@34). The client syncs the whole room (no crypto),
// with thread support on, then checks:
//   --expect thread: EVENT_ID is not in the main live timeline, is in room.getThread(ROOT_ID), threadRootId is ROOT_ID;
//   --expect main:   EVENT_ID is in the main live timeline, in no thread, without a threadRootId.
// Either way ROOT_ID must be in the main timeline (the synced window covers the conversation).
// Prints one JSON line with the findings on stdout (the SDK's own log goes to stderr) and exits 0 only when all
// checks hold, 1 when one fails, 2 on bad arguments or an error, within TIMEOUT_MS (default 30000).

import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_SDK = resolve(HERE, "../../../.cache/npm/node_modules/matrix-js-sdk/lib/index.js");
const TIMEOUT_MS = Number(process.env.TIMEOUT_MS || 30000);

function emit(findings, code) {
    process.stdout.write(`${JSON.stringify(findings)}\n`, () => process.exit(code));
}

function parseArgs(argv) {
    const args = [...argv];
    let expect = "thread";
    const flag = args.indexOf("--expect");
    if (flag !== -1) {
        expect = args[flag + 1];
        args.splice(flag, 2);
    }
    const env = process.env;
    const [baseUrl, userId, accessToken, roomId, rootId, eventId] = [
        args[0] || env.MATRIX_HOMESERVER,
        args[1] || env.MATRIX_USER_ID,
        args[2] || env.MATRIX_ACCESS_TOKEN,
        args[3] || env.MATRIX_ROOM_ID,
        args[4] || env.MATRIX_THREAD_ROOT,
        args[5] || env.MATRIX_EVENT_ID,
    ];
    const missing = Object.entries({ baseUrl, userId, accessToken, roomId, rootId, eventId })
        .filter(([, value]) => !value)
        .map(([name]) => name);
    if (missing.length || !["thread", "main"].includes(expect)) {
        throw new Error(`usage: --expect thread|main HOMESERVER USER_ID TOKEN ROOM ROOT EVENT (missing: ${missing})`);
    }
    return { expect, baseUrl, userId, accessToken, roomId, rootId, eventId };
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function main() {
    const args = parseArgs(process.argv.slice(2));
    const sdkPath = process.env.MATRIX_JS_SDK || DEFAULT_SDK;
    // the SDK logs through loglevel, which binds the console methods when it loads: keep stdout for the JSON line
    for (const method of ["log", "info", "debug", "trace", "warn"]) console[method] = console.error;
    const sdk = await import(pathToFileURL(sdkPath).href);
    const { logger } = await import(pathToFileURL(join(dirname(sdkPath), "logger.js")).href);
    logger.setLevel(process.env.MATRIX_JS_SDK_LOG || "warn");

    const client = sdk.createClient({ baseUrl: args.baseUrl, userId: args.userId, accessToken: args.accessToken });
    const prepared = new Promise((done, fail) => {
        client.on(sdk.ClientEvent.Sync, (state, _previous, data) => {
            if (state === sdk.SyncState.Prepared) done();
            if (state === sdk.SyncState.Error) fail(data?.error ?? new Error("sync failed"));
        });
    });
    // a large initial window, so "not in the main timeline" means filed elsewhere, not scrolled out of view
    await client.startClient({ threadSupport: true, initialSyncLimit: 200, lazyLoadMembers: false });
    try {
        await prepared;
        const room = client.getRoom(args.roomId);
        if (!room) throw new Error(`${args.roomId} is not among the client's rooms`);
        await room.fetchRoomThreads();

        // a thread fills its events from /relations after it is created: wait until every known thread has
        // (or time runs out), so that "in no thread" is an answer, not a question asked too early
        const deadline = Date.now() + Math.max(TIMEOUT_MS - 5000, 1000);
        while (Date.now() < deadline) {
            const threads = room.getThreads();
            if (threads.every((thread) => thread.initialEventsFetched)) break;
            await sleep(100);
        }
        const thread = room.getThread(args.rootId);

        const mainEvents = room.getLiveTimeline().getEvents();
        const mainIds = mainEvents.map((event) => event.getId());
        const inThread = thread?.findEventById(args.eventId);
        const threadsHolding = room
            .getThreads()
            .filter((candidate) => candidate.findEventById(args.eventId))
            .map((candidate) => candidate.id);
        const event = inThread ?? room.findEventById(args.eventId);
        const findings = {
            expect: args.expect,
            event_id: args.eventId,
            root_id: args.rootId,
            sdk_version: await readVersion(sdkPath),
            server_thread_support: sdk.Thread.hasServerSideSupport,
            root_in_main_timeline: mainIds.includes(args.rootId),
            main_timeline_length: mainIds.length,
            in_main_timeline: mainIds.includes(args.eventId),
            thread_found: Boolean(thread),
            thread_initial_events_fetched: thread?.initialEventsFetched ?? null,
            threads_all_fetched: room.getThreads().every((known) => known.initialEventsFetched),
            thread_length: thread?.length ?? null,
            in_thread: Boolean(inThread),
            threads_holding_event: threadsHolding,
            event_found: Boolean(event),
            thread_root_id: event?.threadRootId ?? null,
            event_thread_id: event?.getThread()?.id ?? null,
            body: event?.getContent()?.body?.split("\n")[0] ?? null,
        };
        const checks =
            args.expect === "thread"
                ? [
                      !findings.in_main_timeline,
                      findings.thread_found,
                      findings.in_thread,
                      findings.thread_root_id === args.rootId,
                  ]
                : [
                      findings.in_main_timeline,
                      threadsHolding.length === 0,
                      findings.thread_root_id === null,
                      findings.event_thread_id === null,
                  ];
        findings.ok = findings.root_in_main_timeline && checks.every(Boolean);
        return findings;
    } finally {
        client.stopClient();
    }
}

async function readVersion(sdkPath) {
    const { readFile } = await import("node:fs/promises");
    const manifest = JSON.parse(await readFile(resolve(dirname(sdkPath), "../package.json"), "utf8"));
    return manifest.version;
}

const timer = setTimeout(() => emit({ ok: false, error: `no answer within ${TIMEOUT_MS} ms` }, 2), TIMEOUT_MS);
main().then(
    (findings) => {
        clearTimeout(timer);
        emit(findings, findings.ok ? 0 : 1);
    },
    (error) => {
        clearTimeout(timer);
        emit({ ok: false, error: String(error?.stack ?? error) }, 2);
    },
);
