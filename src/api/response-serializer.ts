/**
 * How answers become JSON: through the route's zod response schema (responses/), which
 * turns dates into ISO strings and leaves out what the schema does not name. `strict` (the API
 * tests turn it on) makes an answer the schema would change an error naming the route, so a field
 * a handler adds without its schema fails a test instead of quietly vanishing from the answer.
 */
import { isDeepStrictEqual } from "node:util";
import { serializerCompiler } from "fastify-type-provider-zod";

type RouteSchema = Parameters<typeof serializerCompiler>[0];

export function responseSerializer(strict: boolean): (route: RouteSchema) => (data: unknown) => string {
  return (route) => {
    const serialize = serializerCompiler(route);
    if (!strict) return serialize;
    return (data) => {
      const json = serialize(data);
      const sent = JSON.stringify(data);
      if (sent !== undefined && !isDeepStrictEqual(JSON.parse(json), JSON.parse(sent))) {
        throw new Error(`the answer of ${route.method} ${route.url} does not match its response schema: the handler sent ${sent.slice(0, 500)}, the schema keeps ${json.slice(0, 500)}`);
      }
      return json;
    };
  };
}
