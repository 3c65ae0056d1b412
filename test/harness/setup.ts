import { setPasswordCost } from "../../src/auth/password.ts";

// Still argon2id, with a smaller memory cost so that suites that sign up hundreds of users stay quick.
setPasswordCost({ memory: 1024, passes: 1, parallelism: 1 });
