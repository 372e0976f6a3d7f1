// `testTimeout` is a global Jest option, ignored inside `projects`: end-to-end specs boot servers.
jest.setTimeout(120_000);
