import { createRequire } from 'node:module';
import * as protoUtils from '@temporalio/common/lib/proto-utils.js';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';

/**
 * History <-> proto JSON (the format of `temporal workflow show --output json`
 * and the Temporal UI's download), as `@temporalio/common/lib/proto-utils`
 * does it.
 *
 * Why not call the SDK's `historyToJSON` / `historyFromJSON` directly: in this
 * install npm keeps separate copies of protobufjs 8 under @temporalio/common
 * and @temporalio/proto (the root holds protobufjs 7 for @grpc/proto-loader),
 * so the SDK's functions throw "type must be a Type" (an `instanceof` across
 * the two copies). The SDK's functions are used when they work; otherwise the
 * same conversion runs with the protojson of the copy that @temporalio/proto
 * loaded its types with.
 */

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown;
}
interface Lookup {
  lookupType(name: string): unknown;
}

const protoEntry = createRequire(import.meta.url).resolve('@temporalio/proto');
const protojson = createRequire(protoEntry)('protobufjs/ext/protojson') as ProtoJson;
const historyType = (proto as unknown as Lookup).lookupType('temporal.api.history.v1.History');
const HistoryMessage = proto.temporal.api.history.v1.History;

/** Whether the SDK's own functions work in this install. */
export const sdkProtoUtilsWork: boolean = (() => {
  try {
    protoUtils.historyToJSON({ events: [] });
    return true;
  } catch {
    return false;
  }
})();

/**
 * Serialises a history as proto JSON (pretty-printed, like the SDK's `historyToJSON`).
 *
 * @param history - a history as `fetchHistory()` returns it
 * @returns the JSON text
 */
export function historyToJSON(history: History): string {
  if (sdkProtoUtilsWork) return protoUtils.historyToJSON(history);
  return JSON.stringify(protojson.toJson(historyType, HistoryMessage.fromObject(history)), null, 2);
}

/**
 * Parses proto JSON written by {@link historyToJSON} into a History whose
 * event ids are Longs (what `Worker.runReplayHistories` takes as is).
 *
 * @param json - the parsed JSON file
 * @returns the history
 */
export function historyFromJSON(json: unknown): History {
  if (sdkProtoUtilsWork) return protoUtils.historyFromJSON(json);
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (history === null || typeof history !== 'object') throw new TypeError('Invalid history');
  return history;
}
