/** Query parameters of a Gorgias call; undefined and empty values are left out. */
export type QueryParams = { [key: string]: string | number | string[] | undefined };

/** Query parameters; an array becomes repeated keys (`types=a&types=b`), as Gorgias (and its own web app) sends arrays. */
export function toQuery(params: QueryParams): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) value.forEach((v) => query.append(key, v));
    else if (value !== undefined && value !== null && value !== '') query.append(key, String(value));
  }
  return query;
}
