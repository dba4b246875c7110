"""The App Home tab: what each person sees when they open the bot (bot/home/service.py), published by
bot/home/publishing.py."""
