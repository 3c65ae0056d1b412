import { z } from "zod";

export const registerSchema = z
  .object({
    username: z
      .string({ error: "The username is required" })
      .trim()
      .min(3, "At least 3 characters")
      .max(30, "At most 30 characters")
      .regex(/^[A-Za-z0-9_.-]+$/, "Letters, digits, dot, dash and underscore only"),
    email: z.string({ error: "The e-mail is required" }).trim().toLowerCase().max(190).pipe(z.email("Not a valid e-mail address")),
    password: z.string({ error: "The password is required" }).min(8, "At least 8 characters").max(200, "At most 200 characters"),
    password_confirmation: z.string().optional(),
    referral_code: z
      .string()
      .trim()
      .max(20)
      .optional()
      .or(z.literal("").transform(() => undefined)),
    language: z.enum(["fr", "en"]).optional(),
    full_name: z.string().trim().max(120).optional(),
  })
  .refine((d) => d.password_confirmation === undefined || d.password_confirmation === d.password, {
    path: ["password_confirmation"],
    message: "The passwords do not match",
  });

export const loginSchema = z.object({
  login: z.string({ error: "The e-mail or username is required" }).trim().min(1, "The e-mail or username is required").max(190),
  password: z.string({ error: "The password is required" }).min(1, "The password is required").max(200),
});

export type RegisterInput = z.infer<typeof registerSchema>;
export type LoginInput = z.infer<typeof loginSchema>;
