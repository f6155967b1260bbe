import { CloudAdapter, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';

/**
 * The CloudAdapter of the HTTP edge. `CloudAdapter.process(req, res, logic)` checks its arguments with
 * zod schemas it builds anew on every request (the response, the logic, the body as a record, twice, the
 * authorization header) before it runs the turn: ~30–50 µs a request measured in-process, ~40 % of the
 * adapter's own cost for a trivial turn. Our edge has already read the body within its limits and
 * validated it as an activity (src/http/body.ts, stricter than those checks: an object with a non-empty
 * string type), so this runs the turn directly, with what `process` does after its checks: the same
 * timestamp conversion and the same `processActivity` (authentication, the turn, the expectReplies
 * body). The route answers with the result as `process` would (src/server.ts).
 */
export class EdgeAdapter extends CloudAdapter {
  /**
   * Authenticates and runs the turn of an activity the edge has validated; resolves with the invoke
   * response (the replies for expectReplies), or undefined for a plain 200. Rejects as
   * `processActivity` does (an AuthenticationError when the request is not authenticated).
   */
  processValidated(
    authorization: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authorization, withDates(activity), logic);
  }
}

type Dated = Activity & { rawTimestamp?: string; rawExpiration?: string; rawLocalTimestamp?: string };

/**
 * The timestamps of an activity as Dates, the text kept beside them: what botbuilder's
 * `validateAndFixActivity` (not exported) does once its type checks pass; test/http/edgeAdapter.test.ts
 * checks both give the same activity.
 */
export function withDates(activity: Activity): Activity {
  const a = activity as Dated;
  const raw = activity as unknown as Record<'timestamp' | 'expiration' | 'localTimestamp', unknown>;
  if (typeof raw.timestamp === 'string') {
    a.rawTimestamp = raw.timestamp;
    a.timestamp = new Date(raw.timestamp);
  }
  if (typeof raw.expiration === 'string') {
    a.rawExpiration = raw.expiration;
    a.expiration = new Date(raw.expiration);
  }
  if (typeof raw.localTimestamp === 'string') {
    a.rawLocalTimestamp = raw.localTimestamp;
    a.localTimestamp = new Date(raw.localTimestamp);
  }
  return a;
}
