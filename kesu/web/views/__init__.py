"""The pages, split by screen: sign-in, my work, intake, the complaint page and its steps, lists."""
