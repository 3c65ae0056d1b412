import { z } from "zod";
import { newPasswordSchema } from "./password-policy.ts";

const emailSchema = z.string({ error: "The e-mail is required" }).trim().toLowerCase().max(190).pipe(z.email("Not a valid e-mail address"));

export const registerSchema = z
  .object({
    username: z
      .string({ error: "The username is required" })
      .trim()
      .min(3, "At least 3 characters")
      .max(30, "At most 30 characters")
      .regex(/^[A-Za-z0-9_.-]+$/, "Letters, digits, dot, dash and underscore only"),
    email: emailSchema,
    password: newPasswordSchema,
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

export const forgotPasswordSchema = z.object({ email: emailSchema });

export const resetPasswordSchema = z
  .object({
    token: z.string({ error: "The token is required" }).trim().min(1, "The token is required").max(100),
    password: newPasswordSchema,
    password_confirmation: z.string().optional(),
  })
  .refine((d) => d.password_confirmation === undefined || d.password_confirmation === d.password, {
    path: ["password_confirmation"],
    message: "The passwords do not match",
  });

export const changePasswordSchema = z
  .object({
    current_password: z.string({ error: "The current password is required" }).min(1, "The current password is required").max(200),
    password: newPasswordSchema,
    password_confirmation: z.string().optional(),
  })
  .refine((d) => d.password_confirmation === undefined || d.password_confirmation === d.password, {
    path: ["password_confirmation"],
    message: "The passwords do not match",
  });

/** A TOTP code ("123 456" as apps show it) or a recovery code ("abcde-fghij"). */
const codeSchema = z.string({ error: "The code is required" }).trim().min(1, "The code is required").max(40, "At most 40 characters");

export const twoFactorLoginSchema = z.object({
  challenge: z.string({ error: "The challenge is required" }).trim().min(1, "The challenge is required").max(100),
  code: codeSchema,
});

export const twoFactorConfirmSchema = z.object({ code: codeSchema });

export const twoFactorRegenerateSchema = z
  .object({
    code: codeSchema.optional(),
    password: z.string().min(1, "The password is required").max(200).optional(),
  })
  .refine((d) => d.code !== undefined || d.password !== undefined, { path: ["code"], message: "A current code or the password is required" });

export const twoFactorDisableSchema = z.object({
  password: z.string({ error: "The password is required" }).min(1, "The password is required").max(200),
  code: codeSchema,
});

export const changeEmailSchema = z.object({
  email: emailSchema,
  current_password: z.string({ error: "The current password is required" }).min(1, "The current password is required").max(200),
});

export const emailTokenSchema = z.object({
  token: z.string({ error: "The token is required" }).trim().min(1, "The token is required").max(100),
});

export type ChangeEmailInput = z.infer<typeof changeEmailSchema>;
export type ForgotPasswordInput = z.infer<typeof forgotPasswordSchema>;
export type ResetPasswordInput = z.infer<typeof resetPasswordSchema>;
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;
export type RegisterInput = z.infer<typeof registerSchema>;
export type LoginInput = z.infer<typeof loginSchema>;
