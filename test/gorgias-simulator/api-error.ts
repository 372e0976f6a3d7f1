/** The error a route throws to answer a 4xx with Gorgias' `{"error":{"msg", "data"}}` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    msg: string,
    readonly data?: unknown,
  ) {
    super(msg);
  }
}

export const errorBody = (msg: string, data?: unknown) => ({ error: data === undefined ? { msg } : { msg, data } });
