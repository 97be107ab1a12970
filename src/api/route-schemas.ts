/** Request pieces shared by several routes. Ids are plain strings; the store looks them up, nothing else. */
import { z } from "zod";

/** DAG, task and run ids never reach the file system: they are only looked up in the store. */
export const dagIdParam = z.object({ dagId: z.string().min(1).max(250) });
export const runIdParam = z.object({ runId: z.string().min(1).max(500) });
export const taskParams = z.object({ runId: z.string().min(1).max(500), taskId: z.string().min(1).max(250) });

/** `mapIndex` in a query string: absent for an unmapped task. */
export const mapIndexQuery = z.coerce.number().int().min(0).max(1_000_000).optional();

export const paging = {
  limit: z.coerce.number().int().min(1).max(1_000).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
};

/** Every JSON body is an object; unknown fields are rejected, so a typo never passes silently. */
export const isoDate = z.string().min(1).max(40);
